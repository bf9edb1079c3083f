import { Counter, type Registry } from 'prom-client';
import type { Bus } from '../../../bus/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import { migrate, type SqlClient } from '../../../store/index.ts';
import type { ArmConfig } from '../config.ts';
import { ProcessorService } from '../processor.ts';
import { armRegistries } from './handlers.ts';
import { GeobotUserStore } from './user-store.ts';

export interface ArmServiceInit {
  config: ArmConfig;
  bus: Bus;
  /** PostgreSQL, or PGlite when embedded; the caller opens and closes it. */
  store: SqlClient;
  logger: Logger;
  registry?: Registry;
}

/**
 * ARM (seed 003): create_user_in and update_user_in into the geobot_users table, idempotently, each
 * answered on info_in with the stored row. Metrics: consumer_* per topic and
 * geobot_arm_users_total{action, outcome}.
 */
export function createArmService(init: ArmServiceInit): ProcessorService {
  const { config, store } = init;
  const users = new GeobotUserStore(store, config.database.schema);
  return new ProcessorService({
    config,
    bus: init.bus,
    logger: init.logger,
    registry: init.registry,
    parts({ replies, registry, logger }) {
      const outcomes = new Counter({
        name: 'geobot_arm_users_total',
        help: 'create_user and update_user requests stored, by outcome: created, changed, unchanged (a repeat) or stale (older than the row)',
        labelNames: ['action', 'outcome'] as const,
        registers: [registry],
      });
      const { create, update } = armRegistries(users, replies, (action, outcome) =>
        outcomes.inc({ action, outcome }),
      );
      return {
        routes: [
          { topic: config.topics.createUser, router: create },
          { topic: config.topics.updateUser, router: update },
        ],
        async prepare() {
          const applied = await migrate(store, users.migrations());
          if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
        },
        readiness: { database: () => store.ping() },
      };
    },
  });
}

export { GeobotUserStore };
