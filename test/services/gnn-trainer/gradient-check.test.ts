// The hand-written backward pass of the GCN against central finite differences of its loss, in float64
// on a small random graph, with dropout on (one mask, replayed for every evaluation) and weight decay:
// every entry of both weight matrices, for the paper's symmetric adjacency and the market's causal one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizedAdjacency, type Propagation } from '../../../src/services/gnn-trainer/model/adjacency.ts';
import { csrFromDense } from '../../../src/services/gnn-trainer/model/csr.ts';
import { GcnSession, initGcnWeights } from '../../../src/services/gnn-trainer/model/gcn.ts';
import { SeededRng } from '../../../src/services/gnn-trainer/model/rng.ts';

function smallSession(propagation: Propagation): { session: GcnSession; nodes: Uint32Array } {
  const rng = new SeededRng(7);
  const n = 12;
  const inputs = 5;
  const source: number[] = [];
  const target: number[] = [];
  const weight: number[] = [];
  for (let i = 1; i < n; i++) {
    source.push(i - 1, i);
    target.push(i, Math.floor(rng.next() * i));
    weight.push(1, 0.2 + rng.next());
  }
  const dense = Float64Array.from({ length: n * inputs }, () => rng.next() * 2 - 1);
  const labels = Int32Array.from({ length: n }, (_, i) => (i % 4 === 3 ? -1 : i % 3));
  const session = new GcnSession(
    initGcnWeights({ inputs, hidden: 4, classes: 3 }, 'float64', rng),
    {
      adjacency: normalizedAdjacency(n, { source, target, weight }, propagation, 'float64'),
      features: csrFromDense(n, inputs, dense, 'float64'),
      labels,
    },
    { dropout: 0.3, weightDecay: 0.05 },
  );
  const nodes = Uint32Array.from([...labels.keys()].filter((i) => labels[i]! >= 0));
  return { session, nodes };
}

for (const propagation of ['symmetric', 'causal'] as const) {
  describe(`GCN gradients (${propagation} adjacency)`, () => {
    it('match finite differences of the loss within 1e-6 relative error', () => {
      const { session, nodes } = smallSession(propagation);
      const rng = new SeededRng(99);
      const maskState = rng.state;
      const loss = (): number => {
        rng.state = maskState; // the same dropout mask every time
        return session.lossAndGradients(nodes, rng).loss;
      };
      loss();
      const analytic = [session.grad1.slice(), session.grad2.slice()];
      const params = [session.weights.w1, session.weights.w2];
      const h = 1e-6;
      let checked = 0;
      let nonZero = 0;
      for (const [k, param] of params.entries()) {
        for (let p = 0; p < param.length; p++) {
          const original = param[p]!;
          param[p] = original + h;
          const up = loss();
          param[p] = original - h;
          const down = loss();
          param[p] = original;
          const numeric = (up - down) / (2 * h);
          const exact = analytic[k]![p]!;
          const relative = Math.abs(exact - numeric) / Math.max(Math.abs(exact) + Math.abs(numeric), 1e-8);
          assert.ok(relative < 1e-6, `w${k + 1}[${p}]: analytic ${exact}, numeric ${numeric}`);
          checked++;
          if (Math.abs(exact) > 1e-6) nonZero++;
        }
      }
      assert.equal(checked, 5 * 4 + 4 * 3);
      // Dropout and ReLU zero some entries; most must carry a gradient or the check proves little.
      assert.ok(nonZero > checked / 2, `only ${nonZero} of ${checked} gradient entries are non-zero`);
    });
  });
}
