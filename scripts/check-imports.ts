// Imports point down: services → runtime/consumer/launcher → bus/store → protocol. This check fails on
// an import that points up a layer, and on any import cycle between files (lint runs it: npm run lint).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

/** What each top-level folder of src/ may import besides itself. */
const ALLOWED: Record<string, string[]> = {
  protocol: [],
  bus: ['protocol'],
  store: ['protocol'],
  runtime: ['protocol', 'bus', 'store'],
  consumer: ['protocol', 'bus', 'store', 'runtime'],
  launcher: ['protocol', 'bus', 'store', 'runtime'],
  services: ['protocol', 'bus', 'store', 'runtime', 'consumer', 'launcher'],
  cli: ['protocol', 'bus', 'store', 'runtime', 'consumer', 'launcher', 'services'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"](\.{1,2}\/[^'"]+)['"]/gm;
const graph = new Map<string, string[]>();
const problems: string[] = [];

for (const file of files(src)) {
  const targets: string[] = [];
  for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    // Type-only imports vanish at run time but still couple layers; they count.
    const target = resolve(dirname(file), match[1]!);
    targets.push(target);
    const [from] = relative(src, file).split('/');
    const [to] = relative(src, target).split('/');
    if (from && to && from !== to && !(ALLOWED[from] ?? []).includes(to)) {
      problems.push(
        `${relative(root, file)} imports ${relative(root, target)}: ${from}/ may not import ${to}/`,
      );
    }
  }
  graph.set(file, targets);
}

// Tarjan's strongly connected components: any component of more than one file is a cycle.
let index = 0;
const indices = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
function visit(node: string): void {
  indices.set(node, index);
  low.set(node, index++);
  stack.push(node);
  onStack.add(node);
  for (const next of graph.get(node) ?? []) {
    if (!graph.has(next)) continue;
    if (!indices.has(next)) {
      visit(next);
      low.set(node, Math.min(low.get(node)!, low.get(next)!));
    } else if (onStack.has(next)) {
      low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
  }
  if (low.get(node) === indices.get(node)) {
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(relative(root, member));
    } while (member !== node);
    if (component.length > 1) problems.push(`import cycle: ${component.join(' → ')}`);
  }
}
for (const node of graph.keys()) if (!indices.has(node)) visit(node);

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`imports: ${graph.size} files, layers respected, no cycles`);
