import type { JobDefinition, JobInput } from '../../../launcher/index.ts';
import {
  marketDataFits,
  marketDataKindOfName,
  marketDataKindOfType,
  type MarketDataKind,
} from '../../../protocol/index.ts';
import type { ResolvedInput } from './schema.ts';

/** A job of the queue as input resolution sees it. */
export interface InputNode {
  readonly telemetryId: string;
  readonly type: string;
  /** How a reason names it: `requests[2] (arango-connector api_trades)`. */
  readonly label: string;
  readonly definition: Pick<JobDefinition, 'inputs' | 'output'>;
  readonly params: Readonly<Record<string, unknown>>;
  /** The collection it writes; unset for a job that writes none. */
  readonly output: string | undefined;
}

/** The names a request field gives: a string or an array of strings. */
export function namesOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/**
 * Resolves every input name of `node` to the collection it reads and the job of the queue that writes
 * it (docs/job-definitions.md, "Named inputs"):
 * 1. a name that is exactly what a job of the queue writes is that job's;
 * 2. else a market-data name (`btc_candles_5m_2024_06`) is the one job of the queue that writes market
 *    data of that kind: candles or trades, and the interval and source when the name says them;
 * 3. else a graph or model name is the one job of the queue that writes that kind;
 * 4. else, for an input that need not resolve, the name is an existing collection.
 * What resolves to nothing (or to several jobs) is a reason, naming the input, in `reasons`.
 */
export function resolveInputs(
  node: InputNode,
  queue: readonly InputNode[],
  where: string,
  reasons: string[],
): ResolvedInput[] {
  const resolved: ResolvedInput[] = [];
  const writers = queue.filter((other) => other !== node && other.output !== undefined);
  for (const input of node.definition.inputs) {
    for (const name of namesOf(node.params[input.field])) {
      const at = `${where}.${input.field} "${name}"`;
      const writer = resolveName(name, input, writers, at, reasons);
      if (writer === null) continue;
      resolved.push({
        field: input.field,
        name,
        resolved_collection: writer?.output ?? name,
        from_job: writer?.telemetryId ?? null,
      });
    }
  }
  return resolved;
}

/** The writer of `name`; undefined: an existing collection; null: unresolved (a reason was added). */
function resolveName(
  name: string,
  input: JobInput,
  writers: readonly InputNode[],
  at: string,
  reasons: string[],
): InputNode | undefined | null {
  const exact = writers.find((w) => w.output === name);
  if (exact) return exact;
  let candidates: InputNode[];
  let wanted: string;
  if (input.kind === 'market-data') {
    const want = marketDataKindOfName(name);
    if (!want) {
      if (!input.mustResolve) return undefined;
      reasons.push(
        `${at} names no kind of market data: a name says "candles" or "trades" (and may say an interval and a source, e.g. btc_candles_5m_2024_06, btc_ws_trades_2024_08_01), or is exactly a collection a job of the queue writes`,
      );
      return null;
    }
    candidates = writers.filter((w) => {
      const have = w.definition.output?.kind === 'market-data' ? marketDataKindOfType(w.type) : undefined;
      return have !== undefined && marketDataFits(want, have);
    });
    wanted = describe(want);
  } else {
    candidates = writers.filter((w) => w.definition.output?.kind === input.kind);
    wanted = `a ${input.kind}`;
  }
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0 && !input.mustResolve) return undefined;
  reasons.push(
    candidates.length === 0
      ? `${at} resolves to nothing: no job of the queue writes ${wanted}`
      : `${at} is ambiguous: ${candidates.map((c) => c.label).join(' and ')} all write ${wanted}; give the exact collection name`,
  );
  return null;
}

function describe(kind: MarketDataKind): string {
  const what = kind.kind === 'candles' && kind.interval ? `${kind.interval} candles` : kind.kind;
  return kind.source ? `${what} from ${kind.source}` : what;
}
