// The one test command (npm test): checks the Node version, makes sure a Kafka broker is there
// (starts the project's own unless KAFKA_BOOTSTRAP_SERVERS names one), then runs node's test runner.
//   npm test                      every test
//   npm test -- test/bus          only files under test/bus
//   npm run test:unit             no broker: Kafka-backed tests are skipped with a reason
// Elasticsearch (scripts/es) is started too, but only when a selected test file uses it (imports
// test/support/elasticsearch.ts): it costs a JVM and several seconds. --no-es (implied by --no-kafka)
// skips those tests; ELASTICSEARCH_URL names a cluster of one's own instead.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { startTestElasticsearch } from './es/es-env.ts';
import { startTestBroker } from './kafka/broker-env.ts';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const noKafka = args.includes('--no-kafka');
const noEs = noKafka || args.includes('--no-es');
const filters = args.filter((a) => !a.startsWith('--'));

const [major] = process.versions.node.split('.').map(Number);
console.log(`# node ${process.version} (${process.execPath})`);
if (major === undefined || major < 24) {
  console.error(
    `Node ${process.version} runs the tests; the project targets Node 24 LTS. Run them with "npm test".`,
  );
  process.exit(1);
}

const env: NodeJS.ProcessEnv = { ...process.env };
env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
if (noKafka) {
  env.TEST_KAFKA = 'off';
} else if (env.KAFKA_BOOTSTRAP_SERVERS) {
  console.log(`# using the Kafka cluster at ${env.KAFKA_BOOTSTRAP_SERVERS}`);
  env.TEST_KAFKA_PLAINTEXT = env.KAFKA_USER ? '' : env.KAFKA_BOOTSTRAP_SERVERS;
  env.TEST_KAFKA_SASL = env.KAFKA_USER ? env.KAFKA_BOOTSTRAP_SERVERS : '';
  env.TEST_KAFKA_USER = env.KAFKA_USER ?? '';
  env.TEST_KAFKA_PASSWORD = env.KAFKA_PASSWORD ?? '';
  env.TEST_KAFKA_CA_PATH = env.KAFKA_CA_PATH ?? '';
} else {
  const broker = startTestBroker();
  env.TEST_KAFKA_PLAINTEXT = broker.KAFKA_BOOTSTRAP_SERVERS;
  env.TEST_KAFKA_SASL = broker.KAFKA_SASL_BOOTSTRAP_SERVERS;
  env.TEST_KAFKA_USER = broker.KAFKA_USER;
  env.TEST_KAFKA_PASSWORD = broker.KAFKA_PASSWORD;
  env.TEST_KAFKA_CA_PATH = broker.KAFKA_CA_PATH;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}
const files = testFiles(join(root, 'test'))
  .map((f) => f.slice(root.length + 1))
  .filter((f) => filters.length === 0 || filters.some((filter) => f.startsWith(filter) || f.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`no test file matches ${filters.join(' ')}`);
  process.exit(1);
}

const needsEs = files.some((f) => readFileSync(join(root, f), 'utf8').includes('support/elasticsearch.ts'));
if (noEs) {
  env.TEST_ES = 'off';
} else if (env.ELASTICSEARCH_URL) {
  console.log(`# using the Elasticsearch at ${env.ELASTICSEARCH_URL}`);
  env.TEST_ES_URL = env.ELASTICSEARCH_URL;
} else if (needsEs) {
  env.TEST_ES_URL = startTestElasticsearch();
}
// Tests build their own settings from TEST_KAFKA_* and TEST_ES_URL; the variables a service reads must not leak in.
for (const name of [
  'KAFKA_BOOTSTRAP_SERVERS',
  'KAFKA_USER',
  'KAFKA_PASSWORD',
  'KAFKA_CA_PATH',
  'DATABASE_URL',
  'ELASTICSEARCH_URL',
]) {
  delete env[name];
}

const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=120000', '--test-reporter=spec', ...files],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
