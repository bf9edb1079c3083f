/**
 * The three probes Kubernetes asks: startup (initialised once), ready (can take work now: its
 * dependencies answer), live (not wedged; restart me if false). Checks are added by whoever owns them.
 */
export type HealthCheck = () => boolean | Promise<boolean>;

export class Health {
  #started = false;
  readonly #readiness = new Map<string, HealthCheck>();
  readonly #liveness = new Map<string, HealthCheck>();

  markStarted(): void {
    this.#started = true;
  }

  addReadinessCheck(name: string, check: HealthCheck): void {
    this.#readiness.set(name, check);
  }

  addLivenessCheck(name: string, check: HealthCheck): void {
    this.#liveness.set(name, check);
  }

  startup(): Promise<ProbeResult> {
    return Promise.resolve({ ok: this.#started, checks: { started: this.#started } });
  }

  async ready(): Promise<ProbeResult> {
    const result = await run(this.#readiness);
    return this.#started ? result : { ok: false, checks: { ...result.checks, started: false } };
  }

  live(): Promise<ProbeResult> {
    return run(this.#liveness);
  }
}

export interface ProbeResult {
  ok: boolean;
  checks: Record<string, boolean>;
}

async function run(checks: Map<string, HealthCheck>): Promise<ProbeResult> {
  const entries = await Promise.all(
    [...checks].map(
      async ([name, check]) => [name, await Promise.resolve(check()).catch(() => false)] as const,
    ),
  );
  return { ok: entries.every(([, ok]) => ok), checks: Object.fromEntries(entries) };
}
