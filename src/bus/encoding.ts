/** Keys and values travel as bytes; callers may hand strings. */
export function toBuffer(value: string | Buffer | null | undefined): Buffer | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
