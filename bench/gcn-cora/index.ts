// bench/gcn-cora: the paper's Cora experiment (Kipf & Welling 2017) with the TypeScript GCN over 10 seeds
// (mean ± std test accuracy, wall and CPU ms per epoch), then the same model, data and split in PyTorch
// (gcn_cora.py, Debian's python3-torch, CPU, as many threads as ours: 1) measured in the same run, and
// the ratio. Without torch the PyTorch half is skipped with a message.
//   npm run bench:gcn-cora [-- --seeds 10 --torch-threads 1]
// CORA_DIR overrides where the Cora files are (default ../shared/data/cora beside the repository).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCora, type CoraDataset } from '../../src/services/gnn-trainer/cora/load-cora.ts';
import { PAPER_MODEL, runCora } from '../../src/services/gnn-trainer/cora/run-cora.ts';
import { normalizedAdjacency } from '../../src/services/gnn-trainer/model/adjacency.ts';
import type { Csr } from '../../src/services/gnn-trainer/model/csr.ts';
import { PAPER_TRAIN_SETTINGS } from '../../src/services/gnn-trainer/model/train.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10' },
    'torch-threads': { type: 'string', default: '1' },
  },
});
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const coraDir =
  process.env.CORA_DIR ?? resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'cora');

interface Run {
  seed: number;
  testAccuracy: number;
  epochs: number;
  wallMsPerEpoch: number;
  cpuMsPerEpoch: number;
}

function summary(runs: Run[]): { mean: number; std: number; wall: number; cpu: number } {
  const mean = avg(runs.map((r) => r.testAccuracy));
  const std = Math.sqrt(avg(runs.map((r) => (r.testAccuracy - mean) ** 2)));
  return {
    mean,
    std,
    wall: avg(runs.map((r) => r.wallMsPerEpoch)),
    cpu: avg(runs.map((r) => r.cpuMsPerEpoch)),
  };
}

function avg(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function print(name: string, runs: Run[]): ReturnType<typeof summary> {
  const s = summary(runs);
  console.log(
    `${name.padEnd(11)} test accuracy ${(s.mean * 100).toFixed(2)} % ± ${(s.std * 100).toFixed(2)} ` +
      `(${runs.length} seeds, epochs ${Math.min(...runs.map((r) => r.epochs))}–${Math.max(...runs.map((r) => r.epochs))})` +
      `  per epoch: wall ${s.wall.toFixed(2)} ms, CPU ${s.cpu.toFixed(2)} ms`,
  );
  return s;
}

/** The Debian python with torch (the pyenv one on PATH may lack it); undefined when none has it. */
function torchPython(): string | undefined {
  for (const python of [process.env.GCN_BENCH_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!python) continue;
    if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

/** Writes the exact arrays the TypeScript model trains on, for gcn_cora.py to read with numpy. */
function exportCora(cora: CoraDataset, dir: string): void {
  const csr = (prefix: string, m: Csr): void => {
    writeFileSync(join(dir, `${prefix}.rowstart`), m.rowStart);
    writeFileSync(join(dir, `${prefix}.colindex`), m.colIndex);
    writeFileSync(join(dir, `${prefix}.values`), Float32Array.from(m.values));
  };
  csr('x', cora.features);
  csr('a', normalizedAdjacency(cora.nodes, cora.edges, 'symmetric', 'float32'));
  writeFileSync(join(dir, 'labels'), cora.labels);
  writeFileSync(join(dir, 'train'), cora.split.train);
  writeFileSync(join(dir, 'val'), cora.split.validation);
  writeFileSync(join(dir, 'test'), cora.split.test);
  const meta = {
    nodes: cora.nodes,
    features: cora.features.cols,
    classes: cora.classes,
    ...PAPER_MODEL,
    ...PAPER_TRAIN_SETTINGS,
  };
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
}

if (!existsSync(join(coraDir, 'ind.cora.graph'))) {
  console.error(`no Cora files in ${coraDir}: set CORA_DIR`);
  process.exit(1);
}
const cora = loadCora(coraDir);
console.log(
  `Cora: ${cora.nodes} nodes, ${cora.features.cols} features, paper settings (hidden 16, dropout 0.5, lr 0.01, wd 5e-4, 200 epochs, early stopping 10)`,
);
runCora(cora, 1000); // warm-up: JIT compilation is not an epoch's cost
const ours: Run[] = seeds.map((seed) => {
  const run = runCora(cora, seed);
  return {
    seed,
    testAccuracy: run.testAccuracy,
    epochs: run.training.epochsRun,
    wallMsPerEpoch: run.training.msPerEpoch,
    cpuMsPerEpoch: run.training.cpuMsPerEpoch,
  };
});
const mine = print('TypeScript', ours);
console.log(`            paper: 81.5 %; goal: mean ≥ 81.0 % → ${mine.mean >= 0.81 ? 'met' : 'NOT met'}`);

const python = torchPython();
if (!python) {
  console.log('PyTorch     skipped: no python3 with torch (Debian: apt-get install python3-torch)');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'sf-gcn-cora-'));
  try {
    exportCora(cora, dir);
    const script = join(import.meta.dirname, 'gcn_cora.py');
    // One warm-up seed first, as for ours.
    const args = [script, dir, ['1000', ...seeds].join(','), String(values['torch-threads'])];
    const result = spawnSync(python, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`gcn_cora.py failed: ${result.stderr}`);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Run & { torch: string });
    const theirs = lines.slice(1);
    const torch = print('PyTorch', theirs);
    console.log(
      `            torch ${theirs[0]!.torch}, ${values['torch-threads']} thread(s) (ours: 1, Node ${process.version})`,
    );
    console.log(
      `ratio       TypeScript / PyTorch per epoch: wall ${(mine.wall / torch.wall).toFixed(2)}×, ` +
        `CPU ${(mine.cpu / torch.cpu).toFixed(2)}× (goal ≤ 1.5×)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
