// The project's test Elasticsearch (scripts/es/start.sh): start it if needed and read the URL it printed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** Starts the node (idempotent; progress on stderr) and returns its URL; exits the process on failure. */
export function startTestElasticsearch(stateDir = process.env.ES_STATE_DIR ?? join(root, '.es')): string {
  const started = spawnSync('bash', [join(root, 'scripts/es/start.sh')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (started.status !== 0) {
    console.error('could not start Elasticsearch (npm run es:start); see the lines above');
    process.exit(1);
  }
  const line = readFileSync(join(stateDir, 'env'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('ES_URL='));
  if (!line) {
    console.error(`${stateDir}/env names no ES_URL`);
    process.exit(1);
  }
  return line.slice('ES_URL='.length);
}
