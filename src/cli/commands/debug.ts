import { setTimeout as sleep } from 'node:timers/promises';
import { createBus, type Bus } from '../../bus/index.ts';
import {
  COMMAND_NAMES,
  DEFAULT_QUEUE_CONTROL_TOPIC,
  DEFAULT_QUEUE_EVENTS_TOPIC,
  ErrorCodes,
  StreamForgeError,
  type CommandName,
} from '../../protocol/index.ts';
import { readKafkaConfig, readString, type Env } from '../../runtime/index.ts';
import { DebugClient } from '../../services/debug/debug-client.ts';
import { numberFlag, parseFlags, type CliCommand } from '../args.ts';
import { formatTelemetry, percentile } from './format.ts';

const FLAGS = {
  'queue-id': { type: 'string' },
  command: { type: 'string' },
  target: { type: 'string' },
  'expect-pong': { type: 'boolean' },
  expect: { type: 'string' },
  repeat: { type: 'string' },
  interval: { type: 'string' },
  timeout: { type: 'string' },
  follow: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface DebugRequest {
  queueId: string;
  command: CommandName | undefined;
  target: string | undefined;
  expectPong: boolean;
  /** Pongs expected per ping (several jobs of one queue each answer); default 1. */
  expect: number;
  repeat: number;
  intervalSeconds: number;
  timeoutSeconds: number;
  follow: boolean;
}

/** Defaults of every flag but --queue-id. */
export const DEFAULT_DEBUG_REQUEST: Readonly<Omit<DebugRequest, 'queueId'>> = Object.freeze({
  command: undefined,
  target: undefined,
  expectPong: false,
  expect: 1,
  repeat: 1,
  intervalSeconds: 1,
  timeoutSeconds: 5,
  follow: false,
});

export function debugRequestFromFlags(argv: string[]): DebugRequest {
  const flags = parseFlags(argv, FLAGS);
  const queueId = flags['queue-id'];
  if (!queueId)
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      '--queue-id is required ("*" addresses every queue)',
    );
  const command = flags.command;
  if (command !== undefined && !(COMMAND_NAMES as readonly string[]).includes(command)) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `--command ${command}: expected ${COMMAND_NAMES.join(' or ')}`,
    );
  }
  if (command === undefined && !flags.follow) {
    throw new StreamForgeError(ErrorCodes.INVALID_CONFIG, 'give --command ping|stop, --follow, or both');
  }
  return {
    queueId,
    command: command as CommandName | undefined,
    target: flags.target,
    expectPong: flags['expect-pong'] ?? false,
    expect: numberFlag('expect', flags.expect, 1) ?? DEFAULT_DEBUG_REQUEST.expect,
    repeat: numberFlag('repeat', flags.repeat, 1) ?? DEFAULT_DEBUG_REQUEST.repeat,
    intervalSeconds: numberFlag('interval', flags.interval) ?? DEFAULT_DEBUG_REQUEST.intervalSeconds,
    timeoutSeconds: numberFlag('timeout', flags.timeout, 0.001) ?? DEFAULT_DEBUG_REQUEST.timeoutSeconds,
    follow: flags.follow ?? false,
  };
}

/** Runs a debug request against a bus, printing to `out`; resolves to the exit code. */
export async function runDebug(
  request: DebugRequest,
  options: { bus: Bus; env: Env; out: (line: string) => void; signal?: AbortSignal },
): Promise<number> {
  const { bus, env, out } = options;
  const client = new DebugClient({
    bus,
    controlTopic: readString(env, 'QUEUE_CONTROL_TOPIC', DEFAULT_QUEUE_CONTROL_TOPIC),
    eventsTopic: readString(env, 'QUEUE_EVENTS_TOPIC', DEFAULT_QUEUE_EVENTS_TOPIC),
  });
  await client.open();
  let exitCode = 0;
  try {
    if (request.command === 'stop') {
      await client.send('stop', request.queueId, request.target);
      out(`stop sent to ${request.queueId}${request.target ? ` (target ${request.target})` : ''}`);
    } else if (request.command === 'ping') {
      exitCode = await pingRounds(client, request, out);
    }
    if (request.follow) {
      out(`following queue-events for ${request.queueId} (Ctrl-C to end)`);
      for await (const telemetry of client.follow(
        request.queueId,
        options.signal ?? new AbortController().signal,
      )) {
        out(formatTelemetry(telemetry));
      }
    }
  } finally {
    await client.close();
  }
  return exitCode;
}

async function pingRounds(
  client: DebugClient,
  request: DebugRequest,
  out: (line: string) => void,
): Promise<number> {
  const rtts: number[] = [];
  let missing = 0;
  for (let round = 1; round <= request.repeat; round += 1) {
    const replies = await client.ping(request.queueId, {
      timeoutMs: request.timeoutSeconds * 1000,
      expect: request.expect,
      target: request.target,
    });
    for (const reply of replies) {
      rtts.push(reply.roundTripMs);
      out(
        `pong from ${reply.telemetry.telemetry_id} in ${reply.roundTripMs.toFixed(1)} ms (round ${round}/${request.repeat})`,
      );
    }
    if (replies.length < request.expect) {
      missing += 1;
      out(
        `no${replies.length ? ` more than ${replies.length}` : ''} pong within ${request.timeoutSeconds} s (round ${round}/${request.repeat})`,
      );
    }
    if (round < request.repeat) await sleep(request.intervalSeconds * 1000);
  }
  if (rtts.length > 0) {
    const sorted = rtts.toSorted((a, b) => a - b);
    const f = (n: number): string => n.toFixed(1);
    out(
      `round trips: ${sorted.length}, min ${f(sorted[0]!)} ms, p50 ${f(percentile(sorted, 50))} ms, p99 ${f(percentile(sorted, 99))} ms, max ${f(sorted.at(-1)!)} ms`,
    );
  }
  return request.expectPong && missing > 0 ? 1 : 0;
}

export const debugCommand: CliCommand = {
  help: `Usage: streamforge debug --queue-id ID [--command ping|stop] [flags]

Sends a command to queue-control and reads replies on queue-events.

  --queue-id ID        queue to address; "*" addresses every queue
  --command ping|stop  command to send
  --target T           only the job with this telemetry_id or target name
  --expect-pong        exit 1 if a ping gets no pong within --timeout
  --expect N           pongs expected per ping (one per job of the queue; default 1)
  --repeat N           send N pings (default 1)
  --interval S         seconds between pings (default 1)
  --timeout S          seconds to wait for the pongs of one ping (default 5)
  --follow             then print the queue's telemetry as it arrives, until Ctrl-C

Environment: KAFKA_BOOTSTRAP_SERVERS, KAFKA_USER, KAFKA_PASSWORD, KAFKA_CA_PATH, QUEUE_CONTROL_TOPIC,
QUEUE_EVENTS_TOPIC. Every round trip is printed in milliseconds, then min/p50/p99/max.

Examples:
  streamforge debug --queue-id wf-btcusdt-api_candles_5m-20240601-abc123 --command ping --expect-pong
  streamforge debug --queue-id '*' --command stop
  streamforge debug --queue-id local --follow`,
  async run(argv, env) {
    const request = debugRequestFromFlags(argv);
    const kafka = readKafkaConfig(env, 'streamforge-debug');
    if (!kafka) {
      throw new StreamForgeError(
        ErrorCodes.INVALID_CONFIG,
        'KAFKA_BOOTSTRAP_SERVERS is not set: the debug CLI talks to jobs through Kafka. For the embedded bus, run "streamforge demo".',
      );
    }
    const bus = createBus(kafka);
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    try {
      return await runDebug(request, { bus, env, out: (line) => console.log(line), signal: stop.signal });
    } finally {
      await bus.close();
    }
  },
};
