// Misconfiguration fails fast with a message that names the cause and what to check.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { KafkaBus } from '../../src/bus/index.ts';
import { kafkaSkipReason, testKafka, testListeners, uniqueName } from '../support/kafka.ts';
import { CLI } from '../services/dummy/dummy-harness.ts';

const sasl = testListeners().find((l) => l.name === 'sasl_ssl');

async function runDummy(env: Record<string, string>): Promise<{ code: number; output: string }> {
  const child = spawn(process.execPath, [CLI, 'dummy'], {
    env: { PATH: process.env.PATH, METRICS_PORT: '0', ...env },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  return { code, output };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe(
  'Kafka connection errors',
  { skip: kafkaSkipReason ?? (sasl ? undefined : 'no SASL_SSL listener') },
  () => {
    it('a wrong SCRAM password fails fast, naming the credentials', async () => {
      const { code, output } = await runDummy({ ...sasl!.env, KAFKA_PASSWORD: 'not-the-password' });
      assert.equal(code, 1);
      assert.match(output, /rejected the credentials/);
      assert.match(output, /KAFKA_PASSWORD/);
      assert.match(output, /SF_BUS_AUTH_FAILED/);
    });

    it('a missing CA fails with a TLS message naming KAFKA_CA_PATH', async () => {
      const bus = new KafkaBus({ ...sasl!.options, ca: undefined });
      await assert.rejects(bus.connect(), (error: Error & { code: string }) => {
        assert.equal(error.code, 'SF_BUS_TLS_FAILED');
        assert.match(error.message, /KAFKA_CA_PATH/);
        return true;
      });
      await bus.close();
    });

    it('a plaintext client on the SASL_SSL listener is told to set KAFKA_USER, not KAFKA_CA_PATH', async () => {
      // Regression: it said "check KAFKA_CA_PATH", though what is missing is the credentials.
      const { code, output } = await runDummy({
        KAFKA_BOOTSTRAP_SERVERS: sasl!.env.KAFKA_BOOTSTRAP_SERVERS!,
      });
      assert.equal(code, 1);
      assert.match(output, /SF_BUS_TLS_FAILED/);
      assert.match(output, /set KAFKA_USER and KAFKA_PASSWORD/);
      assert.doesNotMatch(output, /check KAFKA_CA_PATH/);
    });

    it('an unreachable broker fails with a message naming KAFKA_BOOTSTRAP_SERVERS', async () => {
      const port = await closedPort();
      const { code, output } = await runDummy({ KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${port}` });
      assert.equal(code, 1);
      assert.match(output, /unreachable/);
      assert.match(output, /KAFKA_BOOTSTRAP_SERVERS/);
    });

    it('a malformed bootstrap address is refused before any connection', async () => {
      const { code, output } = await runDummy({ KAFKA_BOOTSTRAP_SERVERS: 'localhost' });
      assert.equal(code, 2);
      assert.match(output, /not host:port/);
    });
  },
);

describe('Kafka: a topic the broker does not have', { skip: kafkaSkipReason }, () => {
  // Regression: the client says "Unknown topic X." (a UserError without the broker's code), which
  // came out as SF_BUS_ERROR.
  it('is SF_BUS_UNKNOWN_TOPIC, named, for offsets, produce and subscribe', async () => {
    const bus = new KafkaBus(testKafka().options);
    const topic = uniqueName('missing');
    try {
      for (const [action, attempt] of [
        ['endOffsets', () => bus.endOffsets(topic)],
        ['produce', () => bus.produce([{ topic, key: 'k', value: 'v' }])],
        ['subscribe', () => bus.subscribe({ topics: [topic] })],
      ] as const) {
        await assert.rejects(attempt(), (error: Error & { code: string }) => {
          assert.equal(error.code, 'SF_BUS_UNKNOWN_TOPIC', `${action}: ${error.message}`);
          assert.match(error.message, new RegExp(`topic ${topic} does not exist`));
          return true;
        });
      }
    } finally {
      await bus.close();
    }
  });
});
