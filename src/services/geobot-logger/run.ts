import { runUntilSignal } from '../../consumer/index.ts';
import type { GeobotLoggerConfig } from './config.ts';
import { GeobotLoggerService } from './service.ts';

/** Runs the logger until SIGTERM/SIGINT (exit 0) or a failure it cannot survive (exit 1). */
export function runGeobotLogger(config: GeobotLoggerConfig): Promise<number> {
  return runUntilSignal(new GeobotLoggerService({ config }));
}
