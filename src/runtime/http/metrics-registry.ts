import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * prom-client's default gauges that break the exposition-format rules (`promtool check metrics`:
 * "non-counter metrics should not have _total suffix"). Their by-type siblings (`nodejs_active_handles`,
 * `nodejs_active_requests`, `nodejs_active_resources`) stay, so nothing is lost.
 */
const NON_CONFORMING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** A registry with Node's default metrics, as every service's /metrics starts from; passes promtool. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of NON_CONFORMING_DEFAULTS) registry.removeSingleMetric(name);
  return registry;
}
