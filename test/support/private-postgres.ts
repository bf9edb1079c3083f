// A PostgreSQL server of a test's own, made with initdb in a temporary directory on a free port: for
// tests that stop the database under a running service (the shared server at 5432 must never stop).
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';

const run = promisify(execFile);
const BIN = process.env.TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
/** initdb and postgres refuse to run as root: as root, they run as this system user. */
const SERVER_USER = 'postgres';

export class PrivatePostgres {
  readonly port: number;
  readonly #dir: string;
  readonly #asRoot = process.getuid?.() === 0;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.#dir = dir;
  }

  /** trust auth, user postgres, database postgres: DATABASE_URL for the service under test. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** initdb (a few seconds) and start. */
  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'sf-pg-'));
    const server = new PrivatePostgres(await freePort(), dir);
    try {
      if (server.#asRoot) {
        const { stdout } = await run('id', ['-u', SERVER_USER]);
        const { stdout: group } = await run('id', ['-g', SERVER_USER]);
        chownSync(dir, Number(stdout.trim()), Number(group.trim()));
      }
      await server.#pg('initdb', ['-D', server.#data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
      await server.restart();
      return server;
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get #data(): string {
    return join(this.#dir, 'data');
  }

  /** Starts the server (again) on the same port and data; resolves once it accepts connections. */
  async restart(): Promise<void> {
    await this.#pg('pg_ctl', [
      'start',
      '-w',
      '-D',
      this.#data,
      '-l',
      join(this.#dir, 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.#dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    ]);
  }

  /**
   * Stops the server: `fast` (an operator, a failover) ends every session with 57P01 (admin_shutdown)
   * and closes its socket; `immediate` (as a crash would) closes the sockets with no error message,
   * mid-statement or not.
   */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.#pg('pg_ctl', ['stop', '-w', '-m', mode, '-D', this.#data]);
  }

  /** Stops the server (if it runs) and deletes its data. */
  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #pg(program: string, args: string[]): Promise<void> {
    const path = join(BIN, program);
    if (this.#asRoot) await run('runuser', ['-u', SERVER_USER, '--', path, ...args]);
    else await run(path, args);
  }
}
