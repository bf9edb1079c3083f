import { runUntilSignal } from '../../consumer/index.ts';
import type { ConsumerServiceConfig } from './config.ts';
import { ConsumerService } from './service.ts';

/**
 * Runs consumer-service until SIGTERM/SIGINT (graceful stop, exit 0) or a failure it cannot survive
 * (bad credentials, lost topic: exit 1). Resolves to the exit code.
 */
export function runConsumerService(config: ConsumerServiceConfig): Promise<number> {
  return runUntilSignal(new ConsumerService({ config }));
}
