// Where the Cora files are: the project's shared read-only copy beside the repository
// (../shared/data/cora, see its README); CORA_DIR overrides it (a git worktree sits elsewhere).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const coraDir =
  process.env.CORA_DIR ?? resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'cora');

/** Why Cora tests cannot run here, or undefined when the files are there. */
export function coraMissing(): string | undefined {
  return existsSync(join(coraDir, 'ind.cora.graph'))
    ? undefined
    : `no Cora files in ${coraDir} (set CORA_DIR)`;
}
