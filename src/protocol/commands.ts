import { Type, type Static } from '@sinclair/typebox';
import { compact, createJsonParser } from './json.ts';
import { ALL_QUEUES } from './topics.ts';
import { unixSeconds } from './time.ts';

export const COMMAND_NAMES = ['ping', 'stop'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** A command on `queue-control`. The Kafka key is the queue_id. Unknown fields are ignored. */
export const CommandSchema = Type.Object(
  {
    command: Type.Union(
      COMMAND_NAMES.map((name) => Type.Literal(name)),
      { description: 'ping: answer with pong; stop: publish interrupted and exit cleanly' },
    ),
    queue_id: Type.String({ minLength: 1, description: 'the queue addressed, or "*" for every queue' }),
    sent_at: Type.Optional(Type.Number({ description: 'Unix seconds (float) when the command was sent' })),
    command_id: Type.Optional(Type.String({ description: 'echoed in the reply' })),
    target: Type.Optional(Type.String({ description: 'one telemetry_id or target name; absent: every job' })),
  },
  { additionalProperties: true },
);
export type Command = Static<typeof CommandSchema>;

export const parseCommand = createJsonParser(CommandSchema, 'command');

export function createCommand(
  command: CommandName,
  queueId: string,
  extra: { commandId?: string; target?: string; sentAt?: number } = {},
): Command {
  return compact({
    command,
    queue_id: queueId,
    sent_at: extra.sentAt ?? unixSeconds(),
    command_id: extra.commandId,
    target: extra.target,
  });
}

/** Whether a job (its queue, telemetry id and target name) is addressed by a command. */
export function isAddressedTo(
  command: Command,
  job: { queueId: string; telemetryId: string; target: string },
): boolean {
  if (command.queue_id !== ALL_QUEUES && command.queue_id !== job.queueId) return false;
  return command.target === undefined || command.target === job.telemetryId || command.target === job.target;
}
