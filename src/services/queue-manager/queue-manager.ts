import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Bus } from '../../bus/index.ts';
import type { JobCatalog, JobLauncher } from '../../launcher/index.ts';
import { errorMessage } from '../../protocol/index.ts';
import { Health, createMetricsRegistry, portError, type Logger } from '../../runtime/index.ts';
import { migrate, type SqlClient } from '../../store/index.ts';
import type { CollectionReader } from './api/collection-routes.ts';
import { buildApi } from './api/server.ts';
import type { GraphReader } from './graphs/graph-reader.ts';
import type { QueueManagerConfig } from './config.ts';
import { QueueManagerMetrics } from './metrics.ts';
import { QUEUE_MANAGER_MIGRATIONS } from './migrations.ts';
import { QueueService } from './queue-service.ts';
import { isTerminalQueue } from './rollup.ts';
import { recordExit } from './store/job-transitions.ts';
import { QueueStore } from './store/queue-store.ts';
import { Commander } from './supervisor/commander.ts';
import { DataTopicReleaser } from './supervisor/data-topic-releaser.ts';
import { reconcile, type ReconcileReport } from './supervisor/reconciler.ts';
import { Scheduler } from './supervisor/scheduler.ts';
import { Supervisor } from './supervisor/supervisor.ts';
import type { FoldResult } from './telemetry/fold.ts';
import { TelemetryFolder } from './telemetry/telemetry-folder.ts';

export interface QueueManagerOptions {
  config: QueueManagerConfig;
  /** PostgreSQL (distributed) or PGlite (embedded); the manager migrates it, the caller closes it. */
  sql: SqlClient;
  /** Kafka (distributed) or the MemoryBus shared with inline jobs; the caller closes it. */
  bus: Bus;
  launcher: JobLauncher;
  catalog: JobCatalog;
  logger: Logger;
  /** The collections the connectors write, served at GET /collections/{name}; without it, no such route. */
  collections?: CollectionReader;
  /** Graph collections, served at GET /graphs/{name} for the dashboard; without it, no such route. */
  graphs?: GraphReader;
  /** The built dashboard (default: dist/web, what `npm run build:web` writes). */
  webDir?: string;
  /** Serve the REST API; default true (tests of the core may skip it). */
  http?: boolean;
  /**
   * Delete an ended queue's data topics once their jobs all finished (DataTopicReleaser); default: on
   * the memory bus, where they would otherwise hold every record in this process for good. On Kafka the
   * topics' own retention applies.
   */
  releaseDataTopics?: boolean;
}

/**
 * The queue manager: REST API, telemetry folding, scheduling, supervision and reconciliation over one
 * database, one bus and one launcher. The same class runs embedded (`streamforge up`) and distributed
 * (`streamforge queue-manager`).
 */
export class QueueManager {
  readonly #o: QueueManagerOptions;
  readonly registry = createMetricsRegistry();
  readonly health = new Health();
  readonly store: QueueStore;
  readonly service: QueueService;
  readonly #metrics: QueueManagerMetrics;
  readonly #folder: TelemetryFolder;
  readonly #scheduler: Scheduler;
  readonly #supervisor: Supervisor;
  readonly #releaser: DataTopicReleaser | undefined;
  #app: FastifyInstance | undefined;
  #busOk = { at: 0, ok: false };
  /** Set once reconciled: before that, folding the backlog must not launch anything (reconcile decides first). */
  #reconciled = false;
  reconciled: ReconcileReport | undefined;

  constructor(options: QueueManagerOptions) {
    this.#o = options;
    const { config, sql, bus, launcher, logger } = options;
    this.store = new QueueStore(sql);
    this.#metrics = new QueueManagerMetrics(this.registry, sql, options.catalog.keys());
    const commander = new Commander(bus, config.controlTopic, this.#metrics);
    const changed = (queueId: string): Promise<void> =>
      this.service
        .changed(queueId)
        .catch((error: unknown) => logger.warn({ err: errorMessage(error) }, 'roll-up failed'));
    this.#scheduler = new Scheduler({
      store: this.store,
      launcher,
      commander,
      config,
      logger,
      metrics: this.#metrics,
      onChanged: (q) => void changed(q),
    });
    this.service = new QueueService({ ...options, store: this.store, commander, scheduler: this.#scheduler });
    this.#supervisor = new Supervisor({
      store: this.store,
      launcher,
      commander,
      config,
      logger,
      metrics: this.#metrics,
      onChanged: async (queueId) => {
        await changed(queueId);
        await this.#scheduler.schedule(queueId);
      },
    });
    this.#folder = new TelemetryFolder({
      bus,
      store: this.store,
      topic: config.eventsTopic,
      groupId: config.groupId,
      batchSize: config.foldBatchSize,
      logger,
      onFolded: (result) => this.#folded(result),
      onInvalid: (count) => this.#metrics.telemetry.inc({ result: 'invalid' }, count),
    });
    if (options.releaseDataTopics ?? bus.kind === 'memory') {
      const releaser = new DataTopicReleaser({ bus, store: this.store, launcher, logger });
      this.#releaser = releaser;
      this.service.hub.subscribeAll((queueId, message) => {
        if (message.kind === 'status' && isTerminalQueue(message.status)) void releaser.check(queueId);
      });
    }
    launcher.onExit((exit) => {
      recordExit(sql, exit).catch((error: unknown) =>
        logger.warn({ err: errorMessage(error) }, 'recording a job exit failed'),
      );
      this.#releaser?.jobExited();
    });
    this.health.addReadinessCheck('database', () => sql.ping());
    this.health.addReadinessCheck('bus', () => this.#busReachable());
    this.health.addLivenessCheck('telemetry-loop', () => this.#folder.sinceLastPoll < 60_000);
  }

  /** Migrates, creates the control topics, folds the telemetry backlog, reconciles, then serves. */
  async start(): Promise<void> {
    const { config, sql, bus, launcher, logger } = this.#o;
    if (this.#o.http !== false) {
      this.#app = await buildApi({
        service: this.service,
        health: this.health,
        registry: this.registry,
        token: config.token,
        logger,
        collections: this.#o.collections,
        store: this.store,
        graphs: this.#o.graphs,
        webDir: this.#o.webDir,
      });
      // The CLI checked the port before opening the database; another process may have taken it since.
      await this.#app.listen({ port: config.port, host: config.host }).catch((error: unknown) => {
        throw portError(error, config.port, config.host, 'PORT (--port of streamforge up)') ?? error;
      });
    }
    await migrate(sql, QUEUE_MANAGER_MIGRATIONS);
    await bus.connect();
    await bus.createTopics([
      { name: config.controlTopic, partitions: 1 },
      { name: config.eventsTopic, partitions: config.eventsPartitions },
    ]);
    await this.#folder.start();
    await this.#folder.caughtUp();
    this.reconciled = await reconcile({ store: this.store, launcher, config, logger });
    this.#reconciled = true;
    for (const queueId of await this.store.openQueueIds()) {
      await this.service.changed(queueId);
      await this.#scheduler.schedule(queueId);
    }
    this.#supervisor.start();
    this.health.markStarted();
    logger.info(
      { launcher: launcher.kind, bus: bus.kind, store: sql.kind, port: this.port },
      'queue manager ready',
    );
  }

  /** The API's port (after start). */
  get port(): number {
    return (this.#app?.server.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Stops serving and watching; jobs keep running except in-process ones (see the launcher). */
  async close(): Promise<void> {
    await this.#app?.close();
    await this.#supervisor.close();
    await this.#scheduler.idle();
    await this.#o.launcher.close();
    // In-process jobs published their last events while closing: fold them before the loop ends.
    await new Promise((resolve) => setTimeout(resolve, this.#o.launcher.kind === 'inline' ? 300 : 0));
    await this.#folder.close();
    await this.#releaser?.idle();
  }

  #folded(result: FoldResult): void {
    const { service } = this;
    this.#metrics.telemetry.inc({ result: 'applied' }, result.applied.length);
    if (result.skipped > 0) this.#metrics.telemetry.inc({ result: 'skipped' }, result.skipped);
    for (const job of result.jobs) {
      service.cache.invalidate(job.queueId);
      if (job.status === 'failed')
        this.#metrics.failed.inc({ target: job.telemetryId.split('__')[0] ?? '?', reason: 'error' });
    }
    for (const event of result.applied) service.hub.publish(event.queue_id, { kind: 'event', event });
    for (const [queueId, status] of result.queues) service.hub.publish(queueId, { kind: 'status', status });
    if (this.#reconciled) for (const queueId of result.settledQueues) void this.#scheduler.schedule(queueId);
  }

  async #busReachable(): Promise<boolean> {
    if (Date.now() - this.#busOk.at < 5000) return this.#busOk.ok;
    const ok = await Promise.race([
      this.#o.bus.endOffsets(this.#o.config.eventsTopic).then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000).unref()),
    ]);
    this.#busOk = { at: Date.now(), ok };
    return ok;
  }
}
