// npm run build:web (and npm ci, via "prepare"): bundles the dashboard in web/ with esbuild into
// dist/web: index.html (served with no-cache) and content-hashed assets/ (served as immutable).
// Pages with heavy libraries (charts, the graph) are split into chunks loaded on first visit.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '..');
export const WEB_SOURCE = join(root, 'web');
export const WEB_OUT = join(root, 'dist', 'web');

/** Below this a compressed copy saves less than its headers cost. */
const MIN_COMPRESS_BYTES = 512;

export interface WebBuild {
  outDir: string;
  /** Every emitted file (relative to outDir) and its size in bytes. */
  files: { path: string; bytes: number }[];
  /** The entry scripts and styles index.html loads. */
  entry: { js: string; css: string | undefined };
  /** What the first page load fetches: the entry, the chunks it imports statically, its CSS. */
  initial: string[];
}

export async function buildWeb(outDir: string = WEB_OUT): Promise<WebBuild> {
  // Build beside the target and swap, so a running manager never reads a half-written directory.
  const staging = `${outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  // Loaded here, not at the top: `npm ci --omit=dev` has no esbuild, and prepare must not fail there.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [join(WEB_SOURCE, 'src', 'main.tsx')],
    outdir: join(staging, 'assets'),
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    sourcemap: false,
    target: ['chrome110', 'firefox115', 'safari16'],
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = outputs.find(([path, meta]) => meta.entryPoint !== undefined && path.endsWith('.js'));
  if (!entry) throw new Error('esbuild produced no entry script');
  const [js, { cssBundle: css }] = entry;
  const url = (path: string): string => `/${relative(staging, resolve(root, path)).split('\\').join('/')}`;
  const template = readFileSync(join(WEB_SOURCE, 'index.html'), 'utf8');
  const html = template
    .replace('<!--styles-->', css ? `<link rel="stylesheet" href="${url(css)}">` : '')
    .replace('<!--scripts-->', `<script type="module" src="${url(js)}"></script>`);
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'index.html'), html);
  // Compressed once here at the best levels, served as they are (the manager never compresses).
  for (const file of [join(staging, 'index.html'), ...outputs.map(([path]) => resolve(root, path))]) {
    const body = readFileSync(file);
    if (body.length < MIN_COMPRESS_BYTES) continue;
    writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
    writeFileSync(
      `${file}.br`,
      brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }),
    );
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(resolve(outDir, '..'), { recursive: true });
  renameSync(staging, outDir);
  return {
    outDir,
    files: [
      { path: 'index.html', bytes: Buffer.byteLength(html) },
      ...outputs.map(([path, meta]) => ({
        path: relative(staging, resolve(root, path)).split('\\').join('/'),
        bytes: meta.bytes,
      })),
    ],
    entry: { js: url(js).replace(/^\//, ''), css: css ? url(css).replace(/^\//, '') : undefined },
    initial: [
      'index.html',
      ...[
        js,
        ...entry[1].imports.filter((i) => i.kind === 'import-statement').map((i) => i.path),
        ...(css ? [css] : []),
      ].map((path) => url(path).replace(/^\//, '')),
    ],
  };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  // prepare (npm ci/install) passes --if-possible: without dev dependencies there is nothing to build with.
  const ifPossible = args.includes('--if-possible');
  const target = args.find((a) => !a.startsWith('--'));
  const started = performance.now();
  try {
    const built = await buildWeb(target ? resolve(target) : WEB_OUT);
    const total = built.files.reduce((sum, f) => sum + f.bytes, 0);
    console.log(
      `dashboard built in ${Math.round(performance.now() - started)} ms: ${built.files.length} files, ${(total / 1024).toFixed(0)} KiB in ${relative(root, built.outDir)}`,
    );
  } catch (error) {
    if (!ifPossible || (error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    console.warn(
      `dashboard not built (${(error as Error).message}); install the dev dependencies and run "npm run build:web"`,
    );
  }
}
