import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/**
 * A freshly initialised PGlite data directory, kept as a tarball so the next fresh directory is loaded
 * from it instead of running initdb again: on two shared cores initdb took 5–6 s, loading the tarball
 * about 1 s. It holds nothing of ours (taken before any migration), only what initdb made, so one
 * template serves every data directory of the same PGlite version (the file name carries it).
 */
export class PGliteTemplate {
  readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, `pglite-${pgliteVersion()}-initdb.tar.gz`);
  }

  /** The tarball to start a fresh directory from, if one was saved. */
  read(): Blob | undefined {
    if (!existsSync(this.path)) return undefined;
    try {
      return new Blob([readFileSync(this.path)]);
    } catch {
      return undefined;
    }
  }

  /** Removes a template that could not be loaded. */
  discard(): void {
    rmSync(this.path, { force: true });
  }

  /** Saves `db` (just initialised, nothing written yet) as the template; best effort, atomic. */
  async save(db: PGlite): Promise<void> {
    try {
      const dump = await db.dumpDataDir('gzip');
      mkdirSync(dirname(this.path), { recursive: true });
      const partial = `${this.path}.${process.pid}.partial`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, this.path);
    } catch {
      // Only a cache: the next fresh directory runs initdb again.
    }
  }
}

function pgliteVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    let dir = dirname(require.resolve('@electric-sql/pglite'));
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
