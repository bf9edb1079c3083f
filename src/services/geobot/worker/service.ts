import { Counter, Histogram, type Registry } from 'prom-client';
import type { Bus } from '../../../bus/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import type { WorkerConfig } from '../config.ts';
import { ProcessorService } from '../processor.ts';
import { workerRegistry } from './handlers.ts';

export interface WorkerServiceInit {
  config: WorkerConfig;
  bus: Bus;
  logger: Logger;
  registry?: Registry;
}

/**
 * WORKER (seed 003): task_in → geometry tasks with progress on info_in, then the result. Metrics:
 * consumer_* and geobot_worker_tasks_total{type, outcome}, geobot_worker_task_duration_seconds{type}.
 */
export function createWorkerService(init: WorkerServiceInit): ProcessorService {
  const { config } = init;
  return new ProcessorService({
    config,
    bus: init.bus,
    logger: init.logger,
    registry: init.registry,
    parts({ replies, registry }) {
      const tasks = new Counter({
        name: 'geobot_worker_tasks_total',
        help: 'Tasks ended, by type and outcome: done, or invalid (dead-lettered)',
        labelNames: ['type', 'outcome'] as const,
        registers: [registry],
      });
      const duration = new Histogram({
        name: 'geobot_worker_task_duration_seconds',
        help: 'Time from a task start to its result, progress envelopes included',
        labelNames: ['type'] as const,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      });
      const router = workerRegistry(replies, {
        progressSteps: config.progressSteps,
        onTask(type, outcome, seconds) {
          tasks.inc({ type, outcome });
          if (outcome === 'done') duration.observe({ type }, seconds);
        },
      });
      return { routes: [{ topic: config.topics.task, router }] };
    },
  });
}
