import type { Bus } from '../../bus/index.ts';

/** The two control-plane topics (QUEUE_CONTROL_TOPIC, QUEUE_EVENTS_TOPIC). */
export interface ControlTopics {
  controlTopic: string;
  eventsTopic: string;
}

/**
 * Creates `queue-control` and `queue-events` when they are missing, one partition each (the queue
 * manager may have made queue-events wider: an existing topic is left as it is). Brokers that do not
 * create topics on first use would otherwise fail a job or `streamforge debug` started before the
 * queue manager ever ran with "unknown topic".
 */
export async function ensureControlTopics(bus: Bus, topics: ControlTopics): Promise<void> {
  await bus.createTopics([
    { name: topics.controlTopic, partitions: 1 },
    { name: topics.eventsTopic, partitions: 1 },
  ]);
}
