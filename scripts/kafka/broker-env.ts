// The project's test broker (scripts/kafka/start.sh): start it if needed and read what it printed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** KAFKA_BOOTSTRAP_SERVERS, KAFKA_SASL_BOOTSTRAP_SERVERS, KAFKA_USER, KAFKA_PASSWORD, KAFKA_CA_PATH. */
export type BrokerEnv = Record<string, string>;

/** Starts the broker (idempotent; progress on stderr) and returns its settings; exits the process on failure. */
export function startTestBroker(stateDir = process.env.KAFKA_STATE_DIR ?? join(root, '.kafka')): BrokerEnv {
  const started = spawnSync('bash', [join(root, 'scripts/kafka/start.sh')], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (started.status !== 0) {
    console.error('could not start the Kafka broker (npm run kafka:start); see the lines above');
    process.exit(1);
  }
  return Object.fromEntries(
    readFileSync(join(stateDir, 'env'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}
