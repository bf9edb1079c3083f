import { isStreamForgeError, ErrorCodes } from '../protocol/index.ts';
import { JOB_DEFINITIONS } from '../services/job-catalogue.ts';
import { jobCommandEntries, type CommandEntry } from './job-commands.ts';

// Lazy on purpose: every command pulls in its own dependencies (the queue manager alone brings Fastify,
// the Kubernetes client and PGlite), and a job process that imported them all spent 0.7 s more CPU
// starting, on every job of every queue.
const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'up',
    summary: 'everything in one process: queue manager, API and jobs; no Kafka, no PostgreSQL, no cluster',
    load: async () => (await import('./commands/up.ts')).upCommand,
  },
  {
    name: 'queue-manager',
    summary:
      'the distributed queue manager: REST API over Kafka, PostgreSQL and Kubernetes Jobs (or processes)',
    load: async () => (await import('./commands/queue-manager.ts')).queueManagerCommand,
  },
  {
    name: 'demo',
    summary: 'dummy jobs and the debug CLI on one embedded bus: no Kafka needed',
    load: async () => (await import('./commands/demo.ts')).demoCommand,
  },
  {
    name: 'dummy',
    summary: 'run dummy-service: a job that obeys ping/stop and simulates loading and failures',
    load: async () => (await import('./commands/dummy.ts')).dummyCommand,
  },
  {
    name: 'debug',
    summary: "send ping/stop to a queue and read the replies (the seed's debug_producer.py)",
    load: async () => (await import('./commands/debug.ts')).debugCommand,
  },
  {
    name: 'consumer',
    summary: 'run consumer-service: user events from Kafka into the users table in PostgreSQL',
    load: async () => (await import('./commands/consumer.ts')).consumerCommand,
  },
  {
    name: 'geobot-logger',
    summary: 'run geobot LOGGER: envelopes from info_in into Elasticsearch (bulk) or a PostgreSQL log table',
    load: async () => (await import('./commands/geobot-logger.ts')).geobotLoggerCommand,
  },
  ...jobCommandEntries(JOB_DEFINITIONS),
  {
    name: 'geobot-gateway',
    summary:
      'geobot LK gateway: HTTP /create_user, /update_user, /info, /start_task → Kafka, 2xx after the ack',
    load: async () => (await import('./commands/geobot.ts')).geobotGatewayCommand,
  },
  {
    name: 'geobot-arm',
    summary: 'geobot ARM: create_user_in / update_user_in → users in PostgreSQL, replies on info_in',
    load: async () => (await import('./commands/geobot.ts')).geobotArmCommand,
  },
  {
    name: 'geobot-worker',
    summary: 'geobot WORKER: task_in → geometry tasks with progress and results on info_in',
    load: async () => (await import('./commands/geobot.ts')).geobotWorkerCommand,
  },
  {
    name: 'collection',
    summary: "show a collection's row count, time coverage and gaps",
    load: async () => (await import('./commands/collection.ts')).collectionCommand,
  },
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
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    console.error(`streamforge: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
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
