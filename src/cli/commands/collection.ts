import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { openSink, readConnectorOptions, type CollectionStats } from '../../services/connector/index.ts';
import { parseFlags, type CliCommand } from '../args.ts';
import { localManagerUrl, managerAnswers, statsFromManager } from './collection-from-manager.ts';

const FLAGS = {
  json: { type: 'boolean' },
  manager: { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const iso = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString());

export function formatStats(s: CollectionStats): string {
  const lines = [
    `collection  ${s.name} (${s.kind}s)`,
    `rows        ${s.rows}`,
    `covers      ${iso(s.firstTime)} … ${iso(s.lastTime)}`,
  ];
  if (s.missing === 0) lines.push('gaps        none');
  else {
    lines.push(`gaps        ${s.missing} ${s.kind === 'candle' ? 'candles' : 'trade ids'} missing`);
    for (const g of s.gaps) {
      const show = s.kind === 'candle' ? iso : String;
      lines.push(`  ${g.symbol}  after ${show(g.after)}  before ${show(g.before)}  (${g.missing} missing)`);
    }
  }
  return lines.join('\n');
}

/** Reads the collection where the connector wrote it: ArangoDB, PostgreSQL, or PGlite in `dataDir`. */
async function statsFromStore(
  env: NodeJS.ProcessEnv,
  name: string,
  dataDir: string,
): Promise<CollectionStats> {
  const options = readConnectorOptions({ ...env, STREAMFORGE_DATA_DIR: dataDir });
  if (!options.arango && !options.databaseUrl && !existsSync(join(dataDir, 'pgdata'))) {
    // Opening PGlite on an empty directory would create a database (seconds) only to find nothing in it.
    throw new StreamForgeError(
      ErrorCodes.NOT_FOUND,
      `no collection named "${name}": there is no StreamForge data in ${dataDir} and no queue manager answered (pass --data-dir or --manager)`,
    );
  }
  const sink = await openSink(options);
  try {
    return await sink.stats(name);
  } finally {
    await sink.close();
  }
}

export const collectionCommand: CliCommand = {
  help: `Usage: streamforge collection <name> [--json] [--manager URL] [--data-dir D]

Shows how many rows a collection holds, the first and last time it covers, and its gaps (missing
candle open times, missing trade ids), computed in the database (SQL on PostgreSQL and PGlite, AQL
on ArangoDB).

Where it reads:
  --manager URL   ask that running queue manager (GET /collections/<name>)
  ARANGO_URL (with ARANGO_DB, ARANGO_USER, ARANGO_PASSWORD), else DATABASE_URL: read that database
  otherwise       ask the local manager "streamforge up" runs (http://127.0.0.1:PORT, default 8080)
                  when one answers: it owns the data directory while it runs; else read PGlite in
  --data-dir D    (default STREAMFORGE_DATA_DIR, else ./.streamforge, as "streamforge up")

Flags:
  --json          print the stats as JSON (the same object GET /collections/<name> answers)`,
  async run(argv, env) {
    const name = argv[0]?.startsWith('-') === false ? argv[0] : undefined;
    const flags = parseFlags(name === undefined ? argv : argv.slice(1), FLAGS);
    if (name === undefined) {
      throw new StreamForgeError(
        ErrorCodes.INVALID_CONFIG,
        'name a collection: streamforge collection <name>',
      );
    }
    const dataDir = resolve(flags['data-dir'] ?? env.STREAMFORGE_DATA_DIR ?? './.streamforge');
    const namedStore = Boolean(env.ARANGO_URL || env.DATABASE_URL) || flags['data-dir'] !== undefined;
    const local = localManagerUrl(env);
    const stats =
      flags.manager !== undefined
        ? await statsFromManager(flags.manager, name)
        : !namedStore && (await managerAnswers(local))
          ? await statsFromManager(local, name)
          : await statsFromStore(env, name, dataDir);
    console.log(flags.json ? JSON.stringify(stats) : formatStats(stats));
    return 0;
  },
};
