// Seed 004's example payloads, read from examples/*.json: the one copy the tests, the dashboard's
// templates and the docs share, so a change to the seed's payload is made once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SeedRequest {
  target: string;
  type: string;
  [field: string]: unknown;
}

export interface SeedPayload {
  symbol: string;
  time_range: string;
  requests: SeedRequest[];
}

function readExample(n: 1 | 2): SeedPayload {
  const file = join(import.meta.dirname, `../../examples/seed-004-example-${n}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as SeedPayload;
}

/** Example 1: the historical pipeline (REST candles and trades → graph → trained model). */
export const SEED_EXAMPLE_1: SeedPayload = readExample(1);

/** Example 2: the realtime pipeline (WebSocket streams → live graph → inference → metrics stream). */
export const SEED_EXAMPLE_2: SeedPayload = readExample(2);
