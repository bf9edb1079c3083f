import type { Registry } from 'prom-client';
import type { Bus, TopicPartition } from '../bus/index.ts';
import type { Logger } from '../runtime/logger.ts';
import type { PartitionLag } from './lag-monitor.ts';
import type { DeadLetter } from './dead-letters.ts';
import type { ConsumerOptions } from './options.ts';
import type { Router } from './router.ts';

export interface ConsumerHooks {
  /** The partitions this member reads changed (also called for the first assignment). */
  onAssignment?(partitions: readonly TopicPartition[]): void;
  /** A lag measurement found every assigned partition committed up to its end. */
  onCaughtUp?(lag: readonly PartitionLag[]): void;
  /** A record is on the dead-letter topic (written; its offset may be committed from now on). */
  onDeadLettered?(letter: DeadLetter): void;
}

export interface EventConsumerInit {
  bus: Bus;
  /** An EventRegistry (a handler per event type) or a BatchHandler (defineBatchHandler). */
  handlers: Router;
  options?: ConsumerOptions;
  /** Default: JSON lines on stdout. */
  logger?: Logger;
  /** Where the consumer_* metrics go; default a registry of its own (see `registry`). */
  registry?: Registry;
  hooks?: ConsumerHooks;
}
