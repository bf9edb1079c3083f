import type { JobDefinition } from '../launcher/job-definition.ts';
import type { CliCommand } from './args.ts';

/** A command as the top-level help lists it; its module is imported only when it runs. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<CliCommand>;
}

/**
 * One command per target with a real worker, in catalogue order: its name, summary and help come from
 * its definition, and one generic command (commands/job.ts) runs it.
 */
export function jobCommandEntries(definitions: readonly JobDefinition[]): CommandEntry[] {
  return definitions.flatMap((definition) => {
    const worker = definition.worker;
    if (!worker) return [];
    return [
      {
        name: worker.cli.command,
        summary: worker.cli.summary,
        load: async () => (await import('./commands/job.ts')).jobCommand(definition, worker),
      },
    ];
  });
}
