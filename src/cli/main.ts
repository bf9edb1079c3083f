import { isStreamForgeError, ErrorCodes } from '../protocol/index.ts';
import type { CliCommand } from './args.ts';
import { collectionCommand } from './commands/collection.ts';
import { connectorCommand } from './commands/connector.ts';
import { consumerCommand } from './commands/consumer.ts';
import { debugCommand } from './commands/debug.ts';
import { demoCommand } from './commands/demo.ts';
import { dummyCommand } from './commands/dummy.ts';
import { queueManagerCommand } from './commands/queue-manager.ts';
import { upCommand } from './commands/up.ts';
import { loaderCommand } from './commands/loader.ts';

const COMMANDS: CliCommand[] = [
  upCommand,
  queueManagerCommand,
  demoCommand,
  dummyCommand,
  debugCommand,
  consumerCommand,
  loaderCommand,
  connectorCommand,
  collectionCommand,
];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: streamforge <command> [flags]

StreamForge runs market-data workflows over Kafka.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "streamforge <command> --help" for a command's flags and environment.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  if (name === '--version') {
    console.log(process.version);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`streamforge: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest, process.env);
  } catch (error) {
    if (isStreamForgeError(error)) {
      console.error(`streamforge ${name}: ${error.message} [${error.code}]`);
      return error.code === ErrorCodes.INVALID_CONFIG ? 2 : 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
