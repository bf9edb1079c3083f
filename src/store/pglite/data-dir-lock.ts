import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';

/** A pid file that keeps a second process off a PGlite directory. A stale file (dead pid) is taken over. */
export class DataDirLock {
  readonly #path: string;

  private constructor(path: string) {
    this.#path = path;
  }

  static acquire(dir: string): DataDirLock {
    const path = join(dir, 'streamforge.lock');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number(readFileSync(path, 'utf8'));
        if (isAlive(owner) && owner !== process.pid) {
          throw new StreamForgeError(
            ErrorCodes.STORE_LOCKED,
            `${dir} is in use by process ${owner}: stop it, or choose another --data-dir`,
          );
        }
        rmSync(path, { force: true });
      }
    }
    throw new StreamForgeError(ErrorCodes.STORE_LOCKED, `cannot lock ${dir}`);
  }

  release(): void {
    rmSync(this.#path, { force: true });
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
