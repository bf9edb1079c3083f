import type { Bus } from '../../bus/types.ts';
import { onShutdownSignal, type Logger } from '../../runtime/index.ts';
import type { QueueManager } from '../../services/queue-manager/index.ts';
import type { SqlClient } from '../../store/types.ts';

// Shared by `up` and `queue-manager`, in a module of its own: `up` must not load what only the
// distributed manager needs (the Kubernetes client, the Kafka client).

/** Starts the manager; if it cannot start, closes what was opened for it before rethrowing. */
export async function startOrClose(manager: QueueManager, bus: Bus, sql: SqlClient): Promise<void> {
  try {
    await manager.start();
  } catch (error) {
    await manager.close().catch(() => undefined);
    await bus.close();
    await sql.close();
    throw error;
  }
}

/** Runs a started manager until SIGTERM/SIGINT, then closes it and what it was given. Resolves to the exit code. */
export async function serveUntilSignal(
  manager: QueueManager,
  resources: { bus: Bus; sql: SqlClient; logger: Logger; alongside?: { close(): Promise<void> } },
): Promise<number> {
  await new Promise<void>((resolve) => {
    const remove = onShutdownSignal((signal) => {
      resources.logger.info({ signal }, 'shutting down');
      remove();
      resolve();
    });
  });
  // What runs beside the manager on the same bus and database (up --geobot) stops first.
  await resources.alongside?.close();
  await manager.close();
  await resources.bus.close();
  await resources.sql.close();
  resources.logger.flush();
  return 0;
}
