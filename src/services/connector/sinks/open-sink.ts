import { openStore } from '../../../store/index.ts';
import type { ConnectorOptions } from '../options.ts';
import { ArangoSink } from './arango-sink.ts';
import { PostgresSink } from './postgres-sink.ts';
import type { CollectionSink } from './sink.ts';

/** ArangoDB when ARANGO_URL is set, else PostgreSQL (DATABASE_URL), else PGlite (embedded). */
export async function openSink(options: ConnectorOptions): Promise<CollectionSink> {
  if (options.arango) return new ArangoSink(options.arango);
  const client = await openStore({ databaseUrl: options.databaseUrl, dataDir: options.dataDir });
  return new PostgresSink(client, { method: options.upsertMethod, ownsClient: true });
}
