import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { openSink, readConnectorOptions, type CollectionStats } from '../../services/connector/index.ts';
import { parseFlags, type CliCommand } from '../args.ts';

const FLAGS = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

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

export const collectionCommand: CliCommand = {
  help: `Usage: streamforge collection <name> [--json]

Shows how many rows a collection holds, the first and last time it covers, and its gaps (missing
candle open times, missing trade ids), computed in the database (SQL on PostgreSQL and PGlite, AQL
on ArangoDB). Reads the same storage the connector writes: ARANGO_URL (with ARANGO_DB, ARANGO_USER,
ARANGO_PASSWORD), else DATABASE_URL, else PGlite in STREAMFORGE_DATA_DIR.`,
  async run(argv, env) {
    const name = argv[0]?.startsWith('-') === false ? argv[0] : undefined;
    const flags = parseFlags(name === undefined ? argv : argv.slice(1), FLAGS);
    if (name === undefined) {
      throw new StreamForgeError(
        ErrorCodes.INVALID_CONFIG,
        'name a collection: streamforge collection <name>',
      );
    }
    const sink = await openSink(readConnectorOptions(env));
    try {
      const stats = await sink.stats(name);
      console.log(flags.json ? JSON.stringify(stats) : formatStats(stats));
      return 0;
    } finally {
      await sink.close();
    }
  },
};
