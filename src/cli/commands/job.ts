import type { JobDefinition, JobWorker } from '../../launcher/job-definition.ts';
import { createLogger, readJobConfig, runJobService } from '../../runtime/index.ts';
import { parseFlags, type CliCommand } from '../args.ts';

const FLAGS = { debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

/**
 * The command that runs one job of a target with a real worker (`streamforge loader`, `streamforge
 * connector`, …): the job's config and its options from the environment, then its work until
 * finished, error or interrupted. One command for every definition of the catalogue.
 */
export function jobCommand(definition: JobDefinition, worker: JobWorker): CliCommand {
  const { cli } = worker;
  return {
    help: cli.help,
    async run(argv, env) {
      const flags = parseFlags(argv, FLAGS);
      const config = readJobConfig({ TARGET: definition.target, ...env }, definition.target, cli.httpPort);
      const options = worker.readOptions(env);
      const logger = createLogger({
        service: definition.service,
        level: flags.debug ? 'debug' : 'info',
        base: { queue_id: config.queueId, telemetry_id: config.telemetryId },
      });
      if (!config.kafka)
        logger.warn(
          'KAFKA_BOOTSTRAP_SERVERS is not set: running on an in-memory bus only this process reaches',
        );
      const outcome = await runJobService({
        config,
        logger,
        service: definition.service,
        work: worker.work(options, { env }),
        ...(cli.stopGraceMs === undefined ? {} : { stopGraceMs: cli.stopGraceMs }),
      });
      return outcome.exitCode;
    },
  };
}
