/** Default names of the two control-plane topics (seed 000, section 2). */
export const DEFAULT_QUEUE_CONTROL_TOPIC = 'queue-control';
export const DEFAULT_QUEUE_EVENTS_TOPIC = 'queue-events';

/** The queue_id that addresses every queue in a command. */
export const ALL_QUEUES = '*';
