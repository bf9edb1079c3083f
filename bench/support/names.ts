import { randomUUID } from 'node:crypto';

/** A suffix that keeps a run's topics and groups apart from every other run on the same broker. */
export function uniqueSuffix(): string {
  return randomUUID().slice(0, 8);
}
