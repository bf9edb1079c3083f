import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consumerCommand } from '../../../src/cli/commands/consumer.ts';
import { readConsumerServiceConfig } from '../../../src/services/consumer/index.ts';
import { formatLine } from '../../../src/services/consumer/text-log.ts';

const base = { DATABASE_URL: 'postgres://u:p@db:5432/app' };

describe('consumer-service configuration', () => {
  it("has seed 002's defaults", () => {
    const c = readConsumerServiceConfig(base);
    assert.deepEqual(c.app, { name: 'consumer-service', version: '1.0.0', env: 'development', debug: false });
    assert.deepEqual(c.log, { level: 'info', format: 'json' });
    assert.deepEqual(c.kafka.bootstrapServers, ['localhost:9092']);
    assert.equal(c.kafka.clientId, 'consumer-service');
    assert.equal(c.consumer.topic, 'events');
    assert.equal(c.consumer.groupId, 'consumer-service');
    assert.deepEqual(c.metrics, { enabled: true, host: '0.0.0.0', port: 9091, path: '/metrics' });
    assert.deepEqual(c.database, { url: base.DATABASE_URL, schema: 'public', maxConnections: 10 });
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.metrics));
  });

  it('takes KAFKA_BROKER_LIST and KAFKA_BOOTSTRAP_SERVERS alike', () => {
    const seed = readConsumerServiceConfig({ ...base, KAFKA_BROKER_LIST: 'k1:9092,k2:9092' });
    assert.deepEqual(seed.kafka.bootstrapServers, ['k1:9092', 'k2:9092']);
    const ours = readConsumerServiceConfig({
      ...base,
      KAFKA_BOOTSTRAP_SERVERS: 'k3:9093',
      KAFKA_CLIENT_ID: 'me',
    });
    assert.deepEqual(ours.kafka.bootstrapServers, ['k3:9093']);
    assert.equal(ours.kafka.clientId, 'me');
  });

  it('reads every variable of the seed tables', () => {
    const c = readConsumerServiceConfig({
      ...base,
      APP_NAME: 'users-sink',
      APP_VERSION: '2.0.0',
      APP_ENV: 'production',
      APP_DEBUG: 'true',
      LOG_FORMAT: 'text',
      KAFKA_TOPIC: 'user-events',
      KAFKA_MAX_WAIT: '2s',
      METRICS_ENABLED: 'false',
      METRICS_PORT: '127.0.0.1:9200',
      METRICS_PATH: '/prom',
      DATABASE_SCHEMA: 'crm',
    });
    assert.deepEqual(c.app, { name: 'users-sink', version: '2.0.0', env: 'production', debug: true });
    assert.deepEqual(
      c.log,
      { level: 'debug', format: 'text' },
      'APP_DEBUG means debug logs unless LOG_LEVEL says',
    );
    assert.equal(c.consumer.topic, 'user-events');
    assert.equal(c.consumer.maxWaitMs, 2000);
    assert.deepEqual(c.metrics, { enabled: false, host: '127.0.0.1', port: 9200, path: '/prom' });
    assert.equal(c.database.schema, 'crm');
    assert.equal(readConsumerServiceConfig({ ...base, METRICS_PORT: '9300' }).metrics.port, 9300);
    assert.equal(
      readConsumerServiceConfig({ ...base, APP_DEBUG: 'true', LOG_LEVEL: 'warn' }).log.level,
      'warn',
    );
  });

  it('names what is wrong', () => {
    assert.throws(() => readConsumerServiceConfig({}), /DATABASE_URL is not set/);
    assert.throws(() => readConsumerServiceConfig({ ...base, LOG_FORMAT: 'xml' }), /LOG_FORMAT="xml"/);
    assert.throws(() => readConsumerServiceConfig({ ...base, METRICS_PORT: 'high' }), /METRICS_PORT="high"/);
    assert.throws(
      () => readConsumerServiceConfig({ ...base, DATABASE_SCHEMA: 'x; drop' }),
      /DATABASE_SCHEMA/,
    );
    assert.throws(() => readConsumerServiceConfig({ ...base, KAFKA_BROKER_LIST: 'nohost' }), /host:port/);
  });

  it('documents every variable in --help', () => {
    for (const name of [
      'APP_NAME',
      'APP_VERSION',
      'APP_ENV',
      'APP_DEBUG',
      'LOG_LEVEL',
      'LOG_FORMAT',
      'KAFKA_BROKER_LIST',
      'KAFKA_BOOTSTRAP_SERVERS',
      'KAFKA_TOPIC',
      'KAFKA_GROUP_ID',
      'KAFKA_CLIENT_ID',
      'KAFKA_MIN_BYTES',
      'KAFKA_MAX_BYTES',
      'KAFKA_MAX_WAIT',
      'KAFKA_COMMIT_INTERVAL',
      'KAFKA_START_OFFSET',
      'KAFKA_MAX_RETRIES',
      'KAFKA_RETRY_BACKOFF',
      'KAFKA_DLQ_TOPIC',
      'METRICS_ENABLED',
      'METRICS_PORT',
      'METRICS_PATH',
      'DATABASE_URL',
    ]) {
      assert.match(consumerCommand.help, new RegExp(`\\b${name}\\b`), name);
    }
  });

  it('formats log lines as text for LOG_FORMAT=text', () => {
    const line = JSON.stringify({
      level: 'warn',
      time: '2024-01-01T00:00:00.000Z',
      service: 's',
      msg: 'paused',
      partition: 2,
      err: 'db down',
    });
    assert.equal(formatLine(line), '2024-01-01T00:00:00.000Z WARN  paused partition=2 err="db down"');
  });
});
