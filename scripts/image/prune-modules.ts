// Shrinks a production node_modules for the image, in place: what only a developer reads goes (source
// maps, type declarations, TypeScript sources, markdown, packages' own test folders), and every
// JavaScript file is minified with esbuild, whitespace and syntax only. Identifiers are never renamed, so
// stack traces, `fn.name` and exports stay as they were; comments marked legal (/*! … */, @license) stay.
// A file esbuild cannot parse is kept as it is, and native addons prebuilt for other platforms go.
// 212 MB of production dependencies (du) become about 50 (apparent size).
//   node scripts/image/prune-modules.ts <node_modules dir>
import { lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'esbuild';

const DROP_FILE = /\.(map|d\.ts|d\.mts|d\.cts|ts|mts|cts|tsbuildinfo|md|markdown)$/i;
/** Folders that hold nothing a package loads at run time, when they sit at a package's root. */
const DROP_DIR = new Set([
  'test',
  'tests',
  '__tests__',
  '.github',
  'example',
  'examples',
  'benchmark',
  'benchmarks',
]);
const MINIFY = /\.(js|cjs|mjs)$/;
/** esbuild requests in flight at once: its service process works through them in parallel. */
const CONCURRENCY = 32;

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/image/prune-modules.ts <node_modules dir>');
  process.exit(2);
}

const toMinify: string[] = [];
let removed = 0;

/** Native addons built for another platform (prebuilds/<platform>-<arch>/, as node-gyp-build lays them). */
const PLATFORM = `${process.platform}-${process.arch}`;
function isForeignPrebuild(parent: string, name: string): boolean {
  return parent.endsWith('/prebuilds') && !name.startsWith(PLATFORM);
}

/** What a folder is: a node_modules, an @scope in one, a package's root, or anything inside a package. */
type Role = 'modules' | 'scope' | 'package' | 'inner';

function walk(path: string, role: Role): void {
  for (const name of readdirSync(path)) {
    const child = join(path, name);
    const stat = lstatSync(child);
    if (stat.isDirectory()) {
      if ((role === 'package' && DROP_DIR.has(name)) || isForeignPrebuild(path, name)) {
        rmSync(child, { recursive: true });
        removed++;
        continue;
      }
      const childRole: Role =
        name === 'node_modules'
          ? 'modules'
          : role === 'modules'
            ? name.startsWith('@')
              ? 'scope'
              : 'package'
            : role === 'scope'
              ? 'package'
              : 'inner';
      walk(child, childRole);
    } else if (stat.isFile()) {
      if (DROP_FILE.test(name)) {
        rmSync(child);
        removed++;
      } else if (MINIFY.test(name)) {
        toMinify.push(child);
      }
    }
  }
}

walk(dir, 'modules');

let before = 0;
let after = 0;
let kept = 0;
async function minify(file: string): Promise<void> {
  const source = readFileSync(file, 'utf8');
  before += source.length;
  try {
    const { code } = await transform(source, {
      loader: 'js',
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: 'inline',
      target: 'node24',
    });
    // A shebang line esbuild keeps; a file that grew (already minified) stays as it was.
    if (code.length < source.length) {
      writeFileSync(file, code);
      after += code.length;
      return;
    }
  } catch {
    kept++; // not parseable as JavaScript (a fixture, Flow syntax): left alone
  }
  after += source.length;
}

const queue = [...toMinify];
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) await minify(file);
  }),
);
const mb = (n: number): string => (n / 1e6).toFixed(1);
console.log(
  `pruned ${dir}: ${removed} files/folders removed; ${toMinify.length} scripts minified ` +
    `${mb(before)} → ${mb(after)} MB (${kept} left as they were)`,
);
