import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readJobConfig, readKafkaConfig } from '../../src/runtime/index.ts';

describe('job config from the environment (seed 000, section 2)', () => {
  it('reads every variable of the seed', () => {
    const config = readJobConfig(
      {
        QUEUE_ID: 'wf-btcusdt-api_candles_5m-20240601-abc123',
        SYMBOL: 'BTCUSDT',
        TIME_RANGE: '2024-06-01:2024-06-30',
        TYPE: 'api_candles_5m',
        TELEMETRY_PRODUCER_ID: 'loader-producer__k3v9qa',
        KAFKA_TOPIC: 'data',
        QUEUE_EVENTS_TOPIC: 'ev',
        QUEUE_CONTROL_TOPIC: 'ctl',
        KAFKA_BOOTSTRAP_SERVERS: 'a:9092, b:9093',
        KAFKA_USER: 'u',
        KAFKA_PASSWORD: 'p',
      },
      'dummy-service',
      8000,
    );
    assert.equal(config.target, 'loader-producer');
    assert.equal(config.timeRange?.start, '2024-06-01');
    assert.equal(config.dataTopic, 'data');
    assert.equal(config.eventsTopic, 'ev');
    assert.equal(config.controlTopic, 'ctl');
    assert.deepEqual(config.kafka?.bootstrapServers, ['a:9092', 'b:9093']);
    assert.equal(config.kafka?.user, 'u');
    assert.equal(config.httpPort, 8000);
    assert.ok(Object.isFrozen(config));
  });

  it('has defaults for a job started by hand, and no Kafka means embedded', () => {
    const config = readJobConfig({}, 'dummy-service', 8000);
    assert.equal(config.queueId, 'local');
    assert.equal(config.eventsTopic, 'queue-events');
    assert.equal(config.controlTopic, 'queue-control');
    assert.match(config.telemetryId, /^dummy-service__[a-z0-9]{6}$/);
    assert.equal(config.kafka, undefined);
  });

  it('refuses bad values with the variable named', () => {
    assert.throws(() => readJobConfig({ TIME_RANGE: '2024-13-01:2024-13-02' }, 'x', 1), /not a real day/);
    assert.throws(() => readJobConfig({ METRICS_PORT: 'eighty' }, 'x', 1), /METRICS_PORT="eighty"/);
    assert.throws(
      () => readKafkaConfig({ KAFKA_BOOTSTRAP_SERVERS: 'a:1', KAFKA_USER: 'u' }),
      /KAFKA_PASSWORD is not/,
    );
    assert.throws(
      () => readKafkaConfig({ KAFKA_BOOTSTRAP_SERVERS: 'a:1', KAFKA_CA_PATH: '/nope/ca.crt' }),
      /KAFKA_CA_PATH=\/nope/,
    );
  });

  it('KAFKA_DELIVERY_TIMEOUT_SECONDS: 120 s unless set, whole seconds ≥ 1', () => {
    const servers = { KAFKA_BOOTSTRAP_SERVERS: 'a:1' };
    assert.equal(readKafkaConfig(servers)?.deliveryTimeoutMs, 120_000);
    assert.equal(
      readKafkaConfig({ ...servers, KAFKA_DELIVERY_TIMEOUT_SECONDS: '300' })?.deliveryTimeoutMs,
      300_000,
    );
    for (const bad of ['0', '1.5', 'two minutes']) {
      assert.throws(
        () => readKafkaConfig({ ...servers, KAFKA_DELIVERY_TIMEOUT_SECONDS: bad }),
        /KAFKA_DELIVERY_TIMEOUT_SECONDS=/,
      );
    }
  });
});
