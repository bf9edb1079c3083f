import { errorMessage } from '../protocol/index.ts';
import type { Logger } from '../runtime/logger.ts';
import { onShutdownSignal } from '../runtime/shutdown.ts';

/** What runUntilSignal needs of a consumer-based service. */
export interface SignalledService {
  readonly logger: Logger;
  readonly consumer: { finished(): Promise<void> };
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs a consumer-based service until SIGTERM/SIGINT (graceful stop, exit 0) or a failure it cannot
 * survive (bad credentials, lost topic: exit 1). Resolves to the exit code.
 */
export async function runUntilSignal(service: SignalledService): Promise<number> {
  let stopping = false;
  const removeSignals = onShutdownSignal((signal) => {
    stopping = true;
    service.logger.info({ signal }, 'shutting down');
    void service.stop();
  });
  try {
    await service.start();
    await service.consumer.finished();
    await service.stop();
    return 0;
  } catch (error) {
    service.logger.error({ err: errorMessage(error) }, stopping ? 'failed while stopping' : 'failed');
    await service.stop().catch(() => undefined);
    return 1;
  } finally {
    removeSignals();
  }
}
