import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';

/** Where `npm run build:web` writes the dashboard (git-ignored); the manager serves it from here. */
export const DEFAULT_WEB_DIR = resolve(import.meta.dirname, '..', '..', '..', '..', 'dist', 'web');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

/** One file of the built dashboard, held in memory with its compressed copies and validator. */
export interface WebAsset {
  readonly path: string;
  readonly type: string;
  readonly body: Buffer;
  /** The build's `.gz` and `.br` siblings (npm run build:web writes them at the best levels). */
  readonly gzip: Buffer | undefined;
  readonly brotli: Buffer | undefined;
  readonly etag: string;
  /** Hashed names never change content: cached for a year; index.html is revalidated every time. */
  readonly immutable: boolean;
}

const COMPRESSED = ['.gz', '.br'];

/**
 * The built dashboard, read once at start with the compressed copies the build wrote beside each file
 * (compressing at brotli's best level takes seconds: it belongs to the build, not to every start),
 * so a request costs a map lookup and a write.
 */
export class WebAssets {
  readonly #byPath = new Map<string, WebAsset>();
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Undefined when the directory holds no build (index.html missing). */
  static load(dir: string = DEFAULT_WEB_DIR): WebAssets | undefined {
    if (!existsSync(join(dir, 'index.html'))) return undefined;
    const assets = new WebAssets(dir);
    for (const file of walk(dir)) {
      if (COMPRESSED.includes(extname(file))) continue;
      const path = `/${relative(dir, file).split('\\').join('/')}`;
      const body = readFileSync(file);
      const sibling = (ext: string): Buffer | undefined =>
        existsSync(file + ext) ? readFileSync(file + ext) : undefined;
      assets.#byPath.set(path, {
        path,
        type: TYPES[extname(file)] ?? 'application/octet-stream',
        body,
        gzip: sibling('.gz'),
        brotli: sibling('.br'),
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
        immutable: path.startsWith('/assets/'),
      });
    }
    return assets;
  }

  get(path: string): WebAsset | undefined {
    return this.#byPath.get(path);
  }

  get paths(): string[] {
    return [...this.#byPath.keys()];
  }
}
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The best encoding the client accepts among those the asset has (q=0 excluded). */
export function pickEncoding(asset: WebAsset, acceptEncoding: string): 'br' | 'gzip' | undefined {
  const accepted = new Set(
    acceptEncoding
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => !q || !/^\s*q=0(\.0*)?\s*$/.test(q))
      .map(([name]) => name!.trim().toLowerCase()),
  );
  if (asset.brotli && accepted.has('br')) return 'br';
  if (asset.gzip && (accepted.has('gzip') || accepted.has('*'))) return 'gzip';
  return undefined;
}
