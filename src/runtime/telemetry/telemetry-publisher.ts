import type { Bus } from '../../bus/index.ts';
import {
  createTelemetry,
  TERMINAL_EVENTS,
  unixSeconds,
  type JobIdentity,
  type Telemetry,
  type TelemetryDetails,
  type TelemetryEventName,
} from '../../protocol/index.ts';

export interface TelemetryPublisherOptions {
  bus: Bus;
  /** QUEUE_EVENTS_TOPIC. */
  topic: string;
  job: JobIdentity;
  /** Called after every event is on the bus (metrics, logs). */
  onPublished?: (event: Telemetry) => void;
  now?: () => number;
}

/**
 * Publishes a job's telemetry on `queue-events`, keyed by queue_id. Guards the life-cycle rule:
 * after the one terminal event (finished | error | interrupted) nothing else is sent.
 */
export class TelemetryPublisher {
  readonly #options: TelemetryPublisherOptions;
  #terminal: TelemetryEventName | undefined;
  /** Whether the bus acknowledged the terminal event (until then, it may be sent again). */
  #terminalDelivered = false;

  constructor(options: TelemetryPublisherOptions) {
    this.#options = options;
  }

  /** The terminal event already sent, if any. */
  get terminal(): TelemetryEventName | undefined {
    return this.#terminal;
  }

  /**
   * Sends one event; resolves once the bus acknowledged it. Returns undefined if the job has ended. A
   * terminal event the bus failed to take may be sent again (the same event: it is still the end).
   */
  async publish(event: TelemetryEventName, details: TelemetryDetails = {}): Promise<Telemetry | undefined> {
    const retryOfTerminal = event === this.#terminal && !this.#terminalDelivered;
    if (this.#terminal !== undefined && !retryOfTerminal) return undefined;
    if (TERMINAL_EVENTS.has(event)) this.#terminal = event;
    const now = this.#options.now ?? Date.now;
    const telemetry = createTelemetry(event, this.#options.job, { sent_at: unixSeconds(now()), ...details });
    await this.#options.bus.produce([
      { topic: this.#options.topic, key: telemetry.queue_id, value: JSON.stringify(telemetry) },
    ]);
    if (event === this.#terminal) this.#terminalDelivered = true;
    this.#options.onPublished?.(telemetry);
    return telemetry;
  }
}
