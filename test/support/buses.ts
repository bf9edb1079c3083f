import { KafkaBus, MemoryBus, type Bus } from '../../src/bus/index.ts';
import { kafkaSkipReason, testListeners } from './kafka.ts';

/** Every bus a behaviour is tested on: memory, then Kafka on each listener of the test broker. */
export interface BusUnderTest {
  name: string;
  /** KAFKA_* variables that point a child process at the same bus; undefined for memory. */
  env: Record<string, string> | undefined;
  create(): Bus;
  skip: string | undefined;
}

export interface BusesUnderTestOptions {
  /**
   * Which listeners of the test broker: `all` (default) for behaviour that depends on the connection,
   * `first` (PLAINTEXT when there is one) for behaviour above it, so it does not run twice on Kafka.
   */
  listeners?: 'all' | 'first';
}

export function busesUnderTest(options: BusesUnderTestOptions = {}): BusUnderTest[] {
  const listeners = testListeners();
  const kafka = (options.listeners === 'first' ? listeners.slice(0, 1) : listeners).map((listener) => ({
    name: `kafka ${listener.name}`,
    env: listener.env,
    create: (): Bus => new KafkaBus(listener.options),
    skip: undefined,
  }));
  const placeholder =
    kafka.length === 0
      ? [{ name: 'kafka', env: {}, create: (): Bus => new MemoryBus(), skip: kafkaSkipReason }]
      : [];
  return [
    { name: 'memory', env: undefined, create: () => new MemoryBus(), skip: undefined },
    ...kafka,
    ...placeholder,
  ];
}
