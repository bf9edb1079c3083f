import { errorMessage } from '../../protocol/index.ts';
import { onShutdownSignal } from '../../runtime/index.ts';
import type { ConsumerServiceConfig } from './config.ts';
import { ConsumerService } from './service.ts';

/**
 * Runs consumer-service until SIGTERM/SIGINT (graceful stop, exit 0) or a failure it cannot survive
 * (bad credentials, lost topic: exit 1). Resolves to the exit code.
 */
export async function runConsumerService(config: ConsumerServiceConfig): Promise<number> {
  const service = new ConsumerService({ config });
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
