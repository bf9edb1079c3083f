import type { BusRecord } from '../../bus/index.ts';
import { toElkDocument, type ElkDocument, type Envelope } from '../../protocol/geobot/envelope.ts';

/** One envelope as a sink stores it: the seed's elk_document under an id derived from where it was read. */
export interface LogDocument {
  /** `<topic>-<partition>-<offset>`: a redelivered record overwrites its document instead of adding one. */
  readonly id: string;
  readonly document: ElkDocument;
}

export function documentId(record: Pick<BusRecord, 'topic' | 'partition' | 'offset'>): string {
  return `${record.topic}-${record.partition}-${record.offset}`;
}

/**
 * The elk_document of an envelope (protocol/geobot). `data` is mapped as an object, so a scalar or an
 * array payload (`"data": "ok"`) would be refused by Elasticsearch once the field is an object: it is
 * kept as `{"value": …}` instead, so that no log line is lost to the shape of its data.
 */
export function logDocument(
  envelope: Envelope,
  record: Pick<BusRecord, 'topic' | 'partition' | 'offset'>,
): LogDocument {
  const document = toElkDocument(envelope);
  const { data } = document;
  const isObject = typeof data === 'object' && data !== null && !Array.isArray(data);
  return { id: documentId(record), document: isObject ? document : { ...document, data: { value: data } } };
}
