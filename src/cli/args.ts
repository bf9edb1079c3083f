import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ErrorCodes, StreamForgeError } from '../protocol/index.ts';

/**
 * A command of the CLI: its help text and what it does with its arguments. Resolves to the exit code.
 * Its name and summary are in main.ts, which lists every command without loading it.
 */
export interface CliCommand {
  help: string;
  run(argv: string[], env: NodeJS.ProcessEnv): Promise<number>;
}

/** Strict parsing: an unknown flag is an error that names it, not something silently ignored. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new StreamForgeError(ErrorCodes.INVALID_CONFIG, (error as Error).message);
  }
}

/** A flag's number, checked: `--exit-after abc` is an error, not NaN. */
export function numberFlag(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min) {
    throw new StreamForgeError(ErrorCodes.INVALID_CONFIG, `--${name} ${value}: expected a number ≥ ${min}`);
  }
  return number;
}
