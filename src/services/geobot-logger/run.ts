import { errorMessage } from '../../protocol/index.ts';
import { onShutdownSignal } from '../../runtime/index.ts';
import type { GeobotLoggerConfig } from './config.ts';
import { GeobotLoggerService } from './service.ts';

/** Runs the logger until SIGTERM/SIGINT (exit 0) or a failure it cannot survive (exit 1). */
export async function runGeobotLogger(config: GeobotLoggerConfig): Promise<number> {
  const service = new GeobotLoggerService({ config });
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
