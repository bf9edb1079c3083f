/**
 * Bytes one produce call may carry for one partition: as librdkafka's batch.size. The broker refuses a
 * record batch over the topic's `max.message.bytes` (1 MiB by default), and one call makes one record
 * batch per partition.
 */
export const MAX_PRODUCE_BYTES_PER_PARTITION = 1_000_000;

/** Per-record framing in a Kafka record batch (length, attributes, deltas, key and value lengths). */
const RECORD_OVERHEAD_BYTES = 24;

/** What sizing needs of a message on its way to the client: its bytes and its partition, if chosen. */
export interface SizedMessage {
  key?: Buffer;
  value?: Buffer;
  headers?: Map<Buffer, Buffer>;
  partition?: number;
}

function sizeOf(message: SizedMessage): number {
  let size = (message.key?.length ?? 0) + (message.value?.length ?? 0) + RECORD_OVERHEAD_BYTES;
  for (const [key, value] of message.headers ?? []) size += key.length + value.length;
  return size;
}

/**
 * Cuts messages into produce calls, in order, so that no partition gets more than `maxBytes` in one
 * call; messages whose partition the client chooses are counted together. A message larger than the
 * limit goes alone (the broker then names the problem) rather than being dropped.
 */
export function splitIntoProduceCalls<M extends SizedMessage>(
  messages: M[],
  maxBytes = MAX_PRODUCE_BYTES_PER_PARTITION,
): M[][] {
  const calls: M[][] = [];
  let call: M[] = [];
  const bytes = new Map<number, number>();
  for (const message of messages) {
    const size = sizeOf(message);
    const partition = message.partition ?? -1;
    let used = bytes.get(partition) ?? 0;
    if (used > 0 && used + size > maxBytes) {
      calls.push(call);
      call = [];
      bytes.clear();
      used = 0;
    }
    call.push(message);
    bytes.set(partition, used + size);
  }
  if (call.length > 0) calls.push(call);
  return calls;
}
