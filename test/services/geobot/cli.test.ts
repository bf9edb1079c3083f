// The geobot commands as an operator runs them: configuration errors exit 2 naming the variable; the
// gateway process takes a request on the real broker and stops cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KafkaBus } from '../../../src/bus/index.ts';
import { startCli } from '../../support/cli.ts';
import { freePort } from '../../support/free-port.ts';
import { kafkaSkipReason, testKafka, uniqueName } from '../../support/kafka.ts';

describe('streamforge geobot-*', () => {
  it('exits 2 with the variable to set when Kafka or the database is not configured', async () => {
    const gateway = startCli(['geobot-gateway'], {});
    const arm = startCli(['geobot-arm'], { KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9' });
    assert.equal(await gateway.exit, 2);
    assert.match(gateway.output(), /KAFKA_BOOTSTRAP_SERVERS is not set.*\[SF_INVALID_CONFIG\]/);
    assert.equal(await arm.exit, 2);
    assert.match(arm.output(), /DATABASE_URL is not set/);
  });

  it('up --geobot: a newcomer POSTs to the gateway and sees the reply printed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sf-up-geobot-'));
    const up = startCli(['up', '--geobot', '--port', '0', '--geobot-port', '0', '--data-dir', dataDir], {});
    try {
      const url = await up.waitForOutput('up --geobot', /LK gateway (http:\/\/\S+)/, 90_000);
      const response = await fetch(`${url}/create_user`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: 'new-1', username: 'newcomer' }),
      });
      assert.equal(response.status, 202);
      const reply = await up.waitForOutput(
        'the reply',
        /\[info_in\] arm create_user: User created (.*)/,
        30_000,
      );
      assert.equal((JSON.parse(reply) as { username: string }).username, 'newcomer');
      assert.equal(await up.stop('SIGINT'), 0, up.output());
    } finally {
      await up.stop('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it(
    'runs the gateway on the broker: 202 for a request, exit 0 on SIGTERM',
    { skip: kafkaSkipReason },
    async () => {
      const topic = uniqueName('geobot-cli');
      const port = await freePort();
      const cli = startCli(['geobot-gateway'], {
        ...testKafka().env,
        PORT: String(port),
        HOST: '127.0.0.1',
        CREATE_USER_TOPIC: topic,
        UPDATE_USER_TOPIC: `${topic}-u`,
        INFO_TOPIC: `${topic}-i`,
        TASK_TOPIC: `${topic}-t`,
        TOPIC_PARTITIONS: '1',
      });
      const bus = new KafkaBus(testKafka().options);
      try {
        await cli.waitForOutput('listening', /geobot gateway on/, 60_000);
        const response = await fetch(`http://127.0.0.1:${port}/create_user`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user_id: 'cli-1', username: 'ada' }),
        });
        assert.equal(response.status, 202);
        assert.equal((await bus.endOffsets(topic)).get(0), 1n, 'the envelope is on the topic');
        assert.equal(await cli.stop('SIGTERM'), 0, cli.output());
      } finally {
        await cli.stop('SIGKILL');
        await bus.deleteTopics([topic, `${topic}-u`, `${topic}-i`, `${topic}-t`]);
        await bus.close();
      }
    },
  );
});
