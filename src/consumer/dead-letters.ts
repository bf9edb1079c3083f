import type { Bus, BusRecord, OutgoingRecord } from '../bus/index.ts';
import { ErrorCodes, errorMessage, isStreamForgeError } from '../protocol/index.ts';

/** Headers a dead letter carries besides the original ones: where it came from and why it failed. */
export const DeadLetterHeaders = Object.freeze({
  topic: 'dead-letter-source-topic',
  partition: 'dead-letter-source-partition',
  offset: 'dead-letter-source-offset',
  timestamp: 'dead-letter-source-timestamp',
  group: 'dead-letter-group',
  eventType: 'dead-letter-event-type',
  reason: 'dead-letter-reason',
  error: 'dead-letter-error',
  errorCode: 'dead-letter-error-code',
  attempts: 'dead-letter-attempts',
  at: 'dead-letter-at',
});

export interface DeadLetter {
  record: BusRecord;
  eventType: string;
  /** 'invalid' (failed parsing or validation) or 'handler' (retries exhausted). */
  reason: 'invalid' | 'handler';
  error: unknown;
  /** Handler calls made; 0 for a record that never reached a handler. */
  attempts: number;
}

const MAX_ERROR_LENGTH = 2000;

/** The dead letter of a record: its key, value and headers unchanged, plus the DeadLetterHeaders. */
export function deadLetterRecord(topic: string, groupId: string, letter: DeadLetter): OutgoingRecord {
  const { record } = letter;
  const message = errorMessage(letter.error);
  return {
    topic,
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      [DeadLetterHeaders.topic]: record.topic,
      [DeadLetterHeaders.partition]: String(record.partition),
      [DeadLetterHeaders.offset]: String(record.offset),
      [DeadLetterHeaders.timestamp]: String(record.timestamp),
      [DeadLetterHeaders.group]: groupId,
      [DeadLetterHeaders.eventType]: letter.eventType,
      [DeadLetterHeaders.reason]: letter.reason,
      [DeadLetterHeaders.error]:
        message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message,
      [DeadLetterHeaders.errorCode]: isStreamForgeError(letter.error)
        ? letter.error.code
        : ErrorCodes.HANDLER_FAILED,
      [DeadLetterHeaders.attempts]: String(letter.attempts),
      [DeadLetterHeaders.at]: new Date().toISOString(),
    },
  };
}

/** Writes dead letters; a failure to write one is the caller's to treat as an outage (never skip the record). */
export class DeadLetterWriter {
  readonly #bus: Bus;
  readonly #topic: string;
  readonly #groupId: string;

  constructor(bus: Bus, topic: string, groupId: string) {
    this.#bus = bus;
    this.#topic = topic;
    this.#groupId = groupId;
  }

  get topic(): string {
    return this.#topic;
  }

  write(letters: DeadLetter[]): Promise<void> {
    return this.#bus.produce(letters.map((letter) => deadLetterRecord(this.#topic, this.#groupId, letter)));
  }
}
