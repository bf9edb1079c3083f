import type { TProperties } from '@sinclair/typebox';
import type { TypeRule } from '../protocol/index.ts';
import type { Env, JobWork } from '../runtime/index.ts';
import type { SqlClient } from '../store/index.ts';
import type { JobSpec } from './types.ts';

export type { TypeRule } from '../protocol/index.ts';

/**
 * What a dataset holds, so that a named input can be resolved to the job of the queue that writes it:
 * `market-data` (candles of an interval, or trades: the kind comes from the writer's type and from the
 * input's name, see marketDataKindOfName), `graph` (a graph-builder's output), `model` (a trained model).
 */
export type DatasetKind = 'market-data' | 'graph' | 'model';

/** A request field that names collections the job reads. */
export interface JobInput {
  /** The request field: a string or an array of strings (`collection_inputs`, `graph_collection`). */
  readonly field: string;
  readonly kind: DatasetKind;
  /**
   * Whether every name must resolve to a job of the same queue (else the start is a 400,
   * SF_INPUT_UNRESOLVED). When false, a name no job of the queue writes is taken as an existing
   * collection (datasets outlive queues).
   */
  readonly mustResolve: boolean;
}

/** The collection a job writes. */
export interface JobOutput {
  /** The request field that names it (`collection_output`); unset or absent: the naming rule's name. */
  readonly field?: string;
  /** What it holds; jobs of the queue whose inputs are of this kind resolve to this job. */
  readonly kind?: DatasetKind;
}

/** What the process that runs jobs gives them. */
export interface WorkerRuntime {
  /**
   * Environment the workers read their options from (BINANCE_API_URL, DATABASE_URL, ARANGO_URL…);
   * each job's own variables (jobEnvironment) win over it.
   */
  readonly env?: Env;
  /** The embedded store: in-process jobs write through it (one PGlite owner per directory). */
  readonly store?: SqlClient;
}

/** The `streamforge <command>` that runs one job of a target. */
export interface JobCli {
  readonly command: string;
  /** One line for `streamforge --help`. */
  readonly summary: string;
  /** `streamforge <command> --help`: flags, environment, exit codes. */
  readonly help: string;
  /** The port of /metrics and /health unless METRICS_PORT says otherwise. */
  readonly httpPort: number;
  /** How long the work may take to end once told to stop, in ms; default runJobService's. */
  readonly stopGraceMs?: number;
  /** Arguments of `streamforge` for one job (process and kubernetes launchers), command first. */
  args(spec: JobSpec): string[];
}

/** The real worker of a target: how one job reads its options, works, and runs from the CLI. */
export interface JobWorker<Options = unknown> {
  /** Reads the job's options from its environment: validated, frozen; throws SF_INVALID_CONFIG. */
  readOptions(env: Env): Options;
  /** The work runJobService runs (inline launcher and the CLI command). */
  work(options: Options, runtime: WorkerRuntime): JobWork;
  readonly cli: JobCli;
}

/**
 * Everything StreamForge knows about one target, owned by its service folder
 * (src/services/<service>/definition.ts) and listed once in src/services/job-catalogue.ts. The API
 * schema, the plan and the DAG of a queue, the launchers and the CLI all read it; nothing else may
 * branch on a target's name. docs/job-definitions.md shows how to add one.
 */
export interface JobDefinition<Options = unknown> {
  /** The `target` of a request, of telemetry and of Kubernetes labels. */
  readonly target: string;
  /** Name of the service in logs. */
  readonly service: string;
  /** One line on what the job does (API schema, docs). */
  readonly summary: string;
  /** The types the target accepts; the first matching rule says whether a type streams. */
  readonly types: readonly TypeRule[];
  /** Request fields the target reads besides target, type and interval (TypeBox, for the API schema). */
  readonly fields: TProperties;
  /** Request fields naming collections it reads. */
  readonly inputs: readonly JobInput[];
  /**
   * The collection it writes. Absent: it writes none, and its `collection` is its first input (a
   * visualizer's source) or the naming rule's name.
   */
  readonly output?: JobOutput;
  /**
   * The targets a historical job of this target waits for when none of its inputs resolved to a job
   * of its queue (the stage before it).
   */
  readonly upstream: readonly string[];
  /** The real worker; absent while dummy-service plays the target (`--simulate-loading`). */
  readonly worker?: JobWorker<Options>;
}

/** Erases a definition's options type, for lists of definitions of different targets. */
export function defineJob<Options>(definition: JobDefinition<Options>): JobDefinition {
  return Object.freeze(definition);
}

/** The first rule of `definition` that `type` matches; undefined when the target does not accept it. */
export function ruleOf(definition: Pick<JobDefinition, 'types'>, type: string): TypeRule | undefined {
  return definition.types.find((r) => r.pattern.test(type));
}
