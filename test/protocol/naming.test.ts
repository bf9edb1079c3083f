import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  collectionName,
  dataTopic,
  kubernetesJobName,
  parseTimeRange,
  queueId,
  shortId,
  targetOfTelemetryId,
  telemetryId,
} from '../../src/protocol/index.ts';

describe('naming (DESIGN.md)', () => {
  it('queue_id: wf-{symbol}-{first type}-{YYYYMMDD}-{6 × [a-z0-9]}', () => {
    assert.equal(
      queueId('BTCUSDT', 'api_candles_1m', '2024-08-01', 'abc123'),
      'wf-btcusdt-api_candles_1m-20240801-abc123',
    );
    assert.match(
      queueId('ETHUSDT', 'api_trades', '2024-06-01'),
      /^wf-ethusdt-api_trades-20240601-[a-z0-9]{6}$/,
    );
  });

  it('telemetry_id: {target}__{6 × [a-z0-9]}, and back', () => {
    assert.match(telemetryId('loader-producer'), /^loader-producer__[a-z0-9]{6}$/);
    assert.equal(targetOfTelemetryId('arango-connector__k3v9qa'), 'arango-connector');
    assert.equal(targetOfTelemetryId('nounderscores'), undefined);
    const ids = new Set(Array.from({ length: 1000 }, () => shortId()));
    assert.ok(ids.size > 990);
  });

  it('collections: {symbol}_{type}_{YYYY_MM_DD} lowercased', () => {
    assert.equal(
      collectionName('BTCUSDT', 'api_candles_1m', '2024-08-01'),
      'btcusdt_api_candles_1m_2024_08_01',
    );
  });

  it('data topics are valid Kafka names derived from queue and type', () => {
    const topic = dataTopic('wf-btcusdt-api_candles_1m-20240801-abc123', 'api_candles_1m');
    assert.equal(topic, 'wf-btcusdt-api_candles_1m-20240801-abc123.api_candles_1m');
    assert.match(dataTopic('q/1', 'a b'), /^[a-zA-Z0-9._-]+$/);
  });

  it('Kubernetes Job names stay valid DNS-1123 labels of ≤ 63 characters for any symbol and target', () => {
    assert.equal(
      kubernetesJobName('loader-producer', 'BTCUSDT', 'abc123'),
      'job-loader-producer-btcusdt-abc123',
    );
    const long = kubernetesJobName(
      'arango-connector',
      '1000000BABYDOGEUSDT_PERPETUAL_SUPER_LONG_SYMBOL',
      'k3v9qa',
    );
    assert.ok(long.length <= 63, long);
    assert.match(long, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    assert.ok(long.endsWith('-k3v9qa'));
    for (const symbol of ['---', 'ÄÖÜ', 'a'.repeat(300), 'BTC/USDT']) {
      const name = kubernetesJobName('gnn-trainer', symbol, 'zz9zz9');
      assert.ok(name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name), name);
    }
  });

  it('time_range: UTC days, both ends inclusive', () => {
    const june = parseTimeRange('2024-06-01:2024-06-30');
    assert.equal(june.startMs, Date.UTC(2024, 5, 1));
    assert.equal(june.endMs, Date.UTC(2024, 6, 1) - 1);
    const day = parseTimeRange('2024-08-01:2024-08-01');
    assert.equal(day.endMs - day.startMs + 1, 86_400_000);
    assert.throws(() => parseTimeRange('2024-06-30:2024-06-01'), /start is after end/);
    assert.throws(() => parseTimeRange('2024-02-30:2024-03-01'), /not a real day/);
    assert.throws(() => parseTimeRange('2024-06-01'), /YYYY-MM-DD:YYYY-MM-DD/);
  });
});
