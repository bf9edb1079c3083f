// patches/@platformatic+kafka+2.12.1.patch encodes a produce batch's records into one buffer. These
// tests read its output back with the client's own decoder, and fail when the patch is not applied
// (postinstall runs patch-package).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reader, createRecordsBatch, readRecordsBatch, type MessageRecord } from '@platformatic/kafka';

const first = 1_754_202_651_997n;

function messages(count: number): MessageRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    key: i % 7 === 0 ? undefined : i % 11 === 0 ? Buffer.alloc(0) : Buffer.from(`BTCUSDT:1m:${i}`),
    // Sizes around the one- and two-byte varint limits (63, 8191 with zigzag) and beyond.
    value: i % 13 === 0 ? Buffer.alloc(0) : Buffer.alloc([10, 63, 64, 8191, 8192, 70_000][i % 6]!, i % 256),
    headers: i % 5 === 0 ? new Map([[Buffer.from('h'), Buffer.from(`v${i}`)]]) : new Map(),
    topic: 't',
    partition: 0,
    // Deltas of either sign, small and large.
    timestamp: first + BigInt(i % 3 === 0 ? -i : i * 1_003),
  }));
}

describe('produce record batch encoding (patched @platformatic/kafka)', () => {
  it('reads back every key, value, header, offset and timestamp delta, to the last byte', () => {
    const sent = messages(3000);
    const bytes = createRecordsBatch(sent, { producerId: 7n, producerEpoch: 1 }).buffer;
    const reader = Reader.from(bytes);
    const batch = readRecordsBatch(reader);
    assert.equal(reader.position, bytes.length);
    assert.equal(batch.records.length, sent.length);
    assert.equal(batch.lastOffsetDelta, sent.length - 1);
    batch.records.forEach((record, i) => {
      const message = sent[i]!;
      assert.equal(record.offsetDelta, i);
      assert.equal(BigInt(record.timestampDelta), message.timestamp! - first);
      assert.deepEqual(record.key ?? undefined, message.key, `key of record ${i}`);
      assert.deepEqual(record.value ?? undefined, message.value, `value of record ${i}`);
      assert.deepEqual(
        record.headers.map(([k, v]) => [String(k), String(v)]),
        [...message.headers!].map(([k, v]) => [k.toString(), v.toString()]),
      );
    });
  });

  // Regression: the unpatched client wrote a delta past 2^31 ms (about 25 days) as a different number.
  it('keeps timestamp deltas past 2^31 ms', () => {
    const days = (n: number): bigint => BigInt(n * 86_400_000);
    const sent = [0, 30, 400].map((n) => ({ ...messages(1)[0]!, timestamp: first + days(n) }));
    const batch = readRecordsBatch(Reader.from(createRecordsBatch(sent, {}).buffer));
    assert.deepEqual(
      batch.records.map((r) => BigInt(r.timestampDelta)),
      [0n, days(30), days(400)],
    );
  });

  // Regression: the patch sized a string header by its characters and wrote its UTF-8 bytes.
  it('writes string headers by their UTF-8 length', () => {
    const headers = new Map([['ключ', 'значение ✓']]) as unknown as Map<Buffer, Buffer>;
    const sent = [{ ...messages(1)[0]!, headers }, messages(2)[1]!];
    const batch = readRecordsBatch(Reader.from(createRecordsBatch(sent, {}).buffer));
    assert.deepEqual(
      batch.records[0]!.headers.map(([k, v]) => [String(k), String(v)]),
      [['ключ', 'значение ✓']],
    );
    assert.deepEqual(batch.records[1]!.value, sent[1]!.value);
  });

  it('puts the records of a batch into one buffer (the patch is applied)', () => {
    const batch = createRecordsBatch(messages(3000), {});
    // Unpatched, each record adds several buffers to the batch: thousands here.
    assert.ok(
      batch.dynamicBuffer.buffers.length < 20,
      `${batch.dynamicBuffer.buffers.length} buffers: run "npm install" so that patch-package applies patches/`,
    );
  });
});
