import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { SqlClient } from '../../store/index.ts';
import { QUEUE_STATUSES } from './request/schema.ts';

/** queue_manager_jobs_failed_total's reasons: error (its own), lost (silent), exit (died without a word), launch. */
const FAILURE_REASONS = ['error', 'lost', 'exit', 'launch'] as const;

/** The manager's metrics (seed 004: Prometheus). Queue counts are read from the database at scrape time. */
export class QueueManagerMetrics {
  readonly launched: Counter<'target' | 'launcher'>;
  readonly failed: Counter<'target' | 'reason'>;
  readonly telemetry: Counter<'result'>;
  readonly launchLatency: Histogram<'launcher'>;
  readonly commands: Counter<'command'>;

  /** `targets`: the catalogue's targets, whose failure counters start at 0. */
  constructor(registry: Registry, sql: SqlClient, targets: Iterable<string>) {
    const registers = [registry];
    new Gauge({
      name: 'queue_manager_queues',
      help: 'Queues by status',
      labelNames: ['status'],
      registers,
      async collect() {
        // While the database is down the last counts stay: a failed collect would fail the whole scrape,
        // and Prometheus would see the manager as down instead of its database (queue_manager_database_up).
        const counted = await sql
          .query<{ status: string; n: number }>(
            `select status, count(*)::int as n from qm_queues group by status`,
          )
          .catch(() => undefined);
        if (!counted) return;
        for (const status of QUEUE_STATUSES)
          this.set({ status }, counted.rows.find((r) => r.status === status)?.n ?? 0);
      },
    });
    new Gauge({
      name: 'queue_manager_database_up',
      help: 'Whether the database answered a query within 3 s at scrape time (1) or not (0)',
      registers,
      async collect() {
        this.set((await answersWithin(sql, 3000)) ? 1 : 0);
      },
    });
    this.launched = new Counter({
      name: 'queue_manager_jobs_launched_total',
      help: 'Job attempts launched, by target and launcher',
      labelNames: ['target', 'launcher'],
      registers,
    });
    this.failed = new Counter({
      name: 'queue_manager_jobs_failed_total',
      help: 'Jobs that ended badly, by target and reason: error (its own), lost (silent), exit (ended without a final event), launch (could not start)',
      labelNames: ['target', 'reason'],
      registers,
    });
    // Every target and reason from 0: a series born at 1 has no increase() in Prometheus, so the first
    // lost job of a target would never fire StreamForgeJobLost (deploy/prometheus).
    for (const target of targets)
      for (const reason of FAILURE_REASONS) this.failed.inc({ target, reason }, 0);
    this.telemetry = new Counter({
      name: 'queue_manager_telemetry_events_total',
      help: 'Telemetry events read from queue-events: applied, skipped (redelivered or of an unknown job), invalid',
      labelNames: ['result'],
      registers,
    });
    this.launchLatency = new Histogram({
      name: 'queue_manager_launch_latency_seconds',
      help: 'From a job becoming ready (queue start or dependencies finished) to its launcher accepting it',
      labelNames: ['launcher'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.commands = new Counter({
      name: 'queue_manager_commands_sent_total',
      help: 'Commands sent on queue-control',
      labelNames: ['command'],
      registers,
    });
  }
}

/** sql.ping() bounded in time: a database behind a dropped network answers nothing, not an error. */
async function answersWithin(sql: SqlClient, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms).unref();
  });
  try {
    return await Promise.race([sql.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
