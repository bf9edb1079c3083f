import { createHash } from 'node:crypto';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const MAX = 63;

/**
 * A Kubernetes label value for any text: kept as it is when valid (≤ 63 characters of
 * [A-Za-z0-9_.-], alphanumeric at both ends), else shortened with a hash of the whole so two
 * different long values never collide. queue_ids of long symbols exceed 63 characters.
 */
export function labelValue(text: string): string {
  if (text.length <= MAX && LABEL_VALUE.test(text)) return text;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 10);
  const head = text
    .replaceAll(/[^-A-Za-z0-9_.]/g, '_')
    .slice(0, MAX - hash.length - 1)
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9]+$/, '');
  return head ? `${head}-${hash}` : hash;
}

export function isValidLabelValue(text: string): boolean {
  return text.length <= MAX && LABEL_VALUE.test(text);
}
