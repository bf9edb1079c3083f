import type { Bus, Subscription } from '../../src/bus/index.ts';
import type { JobSpec } from '../../src/launcher/index.ts';
import { parseTelemetry, telemetryId, type Telemetry } from '../../src/protocol/index.ts';

/** A job spec for launcher tests, on the given topics. */
export function testSpec(
  topics: { control: string; events: string },
  overrides: Partial<JobSpec> = {},
): JobSpec {
  const target = overrides.target ?? 'loader-producer';
  const id = overrides.telemetryId ?? telemetryId(target);
  return {
    queueId: 'wf-btcusdt-api_trades-20240801-test01',
    telemetryId: id,
    target,
    type: 'api_trades',
    symbol: 'BTCUSDT',
    timeRange: '2024-08-01:2024-08-01',
    attempt: 1,
    name: `job-${target}-btcusdt-${id.slice(-6)}`,
    dataTopic: 'wf-btcusdt-api_trades-20240801-test01.api_trades',
    collection: 'btcusdt_api_trades_2024_08_01',
    controlTopic: topics.control,
    eventsTopic: topics.events,
    params: {},
    ...overrides,
  };
}

/** Reads telemetry from a subscription until `done` says so or the time runs out. */
export async function collect(
  subscription: Subscription,
  done: (events: Telemetry[]) => boolean,
  timeoutMs = 20_000,
): Promise<Telemetry[]> {
  const events: Telemetry[] = [];
  const deadline = Date.now() + timeoutMs;
  while (!done(events)) {
    if (Date.now() > deadline)
      throw new Error(`timed out; saw ${events.map((e) => `${e.telemetry_id}:${e.event}`).join(', ')}`);
    for (const record of await subscription.poll({ maxWaitMs: 200 })) {
      const parsed = parseTelemetry(record.value);
      if (parsed.ok) events.push(parsed.value);
    }
  }
  return events;
}

export async function topicsOn(bus: Bus, prefix: string): Promise<{ control: string; events: string }> {
  const suffix = Math.random().toString(36).slice(2, 10);
  const topics = { control: `${prefix}-control-${suffix}`, events: `${prefix}-events-${suffix}` };
  await bus.createTopics([{ name: topics.control }, { name: topics.events }]);
  return topics;
}
