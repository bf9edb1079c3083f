export type * from './types.ts';
export { PostgresClient, type PostgresClientOptions } from './postgres/postgres-client.ts';
export { PGliteClient, type PGliteClientOptions } from './pglite/pglite-client.ts';
export { migrate } from './migrate.ts';
export { openStore } from './open-store.ts';
export { toStoreError } from './errors.ts';
