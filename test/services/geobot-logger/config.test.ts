// geobot-logger's environment: defaults from the seed, the sink chosen by what is set, clear errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCodes, StreamForgeError } from '../../../src/protocol/index.ts';
import { readGeobotLoggerConfig } from '../../../src/services/geobot-logger/index.ts';

const invalidConfig = (pattern: RegExp) => (error: unknown) =>
  error instanceof StreamForgeError &&
  error.code === ErrorCodes.INVALID_CONFIG &&
  pattern.test(error.message);

describe('geobot-logger config', () => {
  it("defaults to the seed's topic, a group of its own and the logger-service index", () => {
    const config = readGeobotLoggerConfig({ ELASTICSEARCH_URL: 'http://127.0.0.1:9200' });
    assert.equal(config.consumer.topic, 'info_in');
    assert.equal(config.consumer.groupId, 'geobot-logger');
    assert.equal(config.consumer.deadLetterTopic, 'info_in-dlq');
    assert.equal(config.consumer.batchSize, 500);
    assert.deepEqual(config.kafka.bootstrapServers, ['localhost:9092']);
    assert.equal(config.metrics.port, 9095);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.sink));
    assert.equal(config.sink.kind, 'elasticsearch');
    if (config.sink.kind !== 'elasticsearch') return;
    assert.equal(config.sink.index, 'logger-service');
    assert.equal(config.sink.bulkRetries, 3);
    assert.equal(config.sink.requestTimeoutMs, 30_000);
  });

  it('reads the Elasticsearch settings', () => {
    const config = readGeobotLoggerConfig({
      ELASTICSEARCH_URL: 'https://es.example:9200',
      ELASTICSEARCH_INDEX: 'geobot-logs',
      ELASTICSEARCH_USERNAME: 'elastic',
      ELASTICSEARCH_PASSWORD: 'secret',
      ELASTICSEARCH_BULK_RETRIES: '0',
      ELASTICSEARCH_REQUEST_TIMEOUT: '5s',
      KAFKA_TOPIC: 'create_user_in',
      KAFKA_BATCH_SIZE: '100',
    });
    assert.equal(config.consumer.topic, 'create_user_in');
    assert.equal(config.consumer.batchSize, 100);
    assert.deepEqual(
      config.sink.kind === 'elasticsearch' && [
        config.sink.index,
        config.sink.username,
        config.sink.bulkRetries,
        config.sink.requestTimeoutMs,
      ],
      ['geobot-logs', 'elastic', 0, 5000],
    );
  });

  it('uses the PostgreSQL log table when only DATABASE_URL is set', () => {
    const config = readGeobotLoggerConfig({ DATABASE_URL: 'postgres://u@db/app', DATABASE_SCHEMA: 'logs' });
    assert.deepEqual(config.sink, {
      kind: 'postgres',
      url: 'postgres://u@db/app',
      schema: 'logs',
      table: 'geobot_log',
    });
  });

  it('refuses a missing sink, a bad URL, index or table, and a user without a password', () => {
    assert.throws(() => readGeobotLoggerConfig({}), invalidConfig(/ELASTICSEARCH_URL nor DATABASE_URL/));
    assert.throws(
      () => readGeobotLoggerConfig({ ELASTICSEARCH_URL: '127.0.0.1:9200' }),
      invalidConfig(/ELASTICSEARCH_URL/),
    );
    for (const index of ['Logger', '_logs', 'a b', 'a/b', 'a:b'])
      assert.throws(
        () => readGeobotLoggerConfig({ ELASTICSEARCH_URL: 'http://h:9200', ELASTICSEARCH_INDEX: index }),
        invalidConfig(/ELASTICSEARCH_INDEX/),
        index,
      );
    assert.throws(
      () => readGeobotLoggerConfig({ ELASTICSEARCH_URL: 'http://h:9200', ELASTICSEARCH_USERNAME: 'u' }),
      invalidConfig(/ELASTICSEARCH_PASSWORD/),
    );
    assert.throws(
      () => readGeobotLoggerConfig({ DATABASE_URL: 'postgres://h/db', GEOBOT_LOG_TABLE: 'drop table' }),
      invalidConfig(/GEOBOT_LOG_TABLE/),
    );
    assert.throws(
      () => readGeobotLoggerConfig({ ELASTICSEARCH_URL: 'http://h:9200', KAFKA_BATCH_SIZE: '0' }),
      invalidConfig(/KAFKA_BATCH_SIZE/),
    );
  });
});
