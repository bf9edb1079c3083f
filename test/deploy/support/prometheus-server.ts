// The real Prometheus (Debian's `prometheus` package; .ci/run installs it) run by a test against
// deploy/prometheus/prometheus.yml. Debian builds Prometheus without Kubernetes discovery, so each
// job's kubernetes_sd_configs is swapped for a file_sd_configs whose targets carry the
// __meta_kubernetes_* labels a pod of deploy/kubernetes would have: the relabelling under test is the
// file's own, and only the fixed metrics port it writes into __address__ is pointed at the test's port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '../../support/free-port.ts';
import { waitFor } from '../../support/wait.ts';

export const prometheusDir = join(import.meta.dirname, '..', '..', '..', 'deploy', 'prometheus');

function found(command: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${command}`]).status === 0;
}

export const promtoolMissing: string | undefined = found('promtool')
  ? undefined
  : 'promtool is not installed (apt-get install prometheus; .ci/run does)';
export const prometheusMissing: string | undefined = found('prometheus')
  ? undefined
  : 'prometheus is not installed (apt-get install prometheus; .ci/run does)';

/** One scrape target as Kubernetes pod discovery would describe it. */
export interface PodTarget {
  port: number;
  /** __meta_kubernetes_* labels (pod_ip, pod_name, namespace, pod_label_*, pod_container_port_name). */
  meta: Record<string, string>;
}

interface ScrapeConfig {
  job_name: string;
  kubernetes_sd_configs?: unknown;
  file_sd_configs?: { files: string[]; refresh_interval?: string }[];
  relabel_configs?: { target_label?: string; replacement?: string }[];
  scrape_interval?: string;
}

/**
 * deploy/prometheus/prometheus.yml for this machine: file discovery instead of Kubernetes', 1 s
 * intervals, the rule files by absolute path, no Alertmanager. Returns the config's path.
 */
export function localConfig(dir: string, targets: Record<string, PodTarget>): string {
  const config = parse(readFileSync(join(prometheusDir, 'prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    alerting?: unknown;
    scrape_configs: ScrapeConfig[];
  };
  config.global = { ...config.global, scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = config.rule_files.map((f) => join(prometheusDir, f));
  delete config.alerting;
  for (const job of config.scrape_configs) {
    const target = targets[job.job_name];
    if (!target) throw new Error(`no test target for scrape job ${job.job_name}`);
    if (!job.kubernetes_sd_configs) throw new Error(`${job.job_name} does not discover pods`);
    delete job.kubernetes_sd_configs;
    const file = join(dir, `${job.job_name}.json`);
    const ip = target.meta.__meta_kubernetes_pod_ip ?? '127.0.0.1';
    writeFileSync(file, JSON.stringify([{ targets: [`${ip}:${target.port}`], labels: target.meta }]));
    job.file_sd_configs = [{ files: [file] }];
    for (const rule of job.relabel_configs ?? []) {
      if (rule.target_label === '__address__' && rule.replacement)
        rule.replacement = rule.replacement.replace(/:\d+$/, `:${target.port}`);
    }
  }
  const path = join(dir, 'prometheus.yml');
  writeFileSync(path, stringify(config));
  return path;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export class PrometheusServer {
  readonly url: string;
  readonly #child: ChildProcess;
  readonly #output: string[] = [];

  private constructor(url: string, child: ChildProcess) {
    this.url = url;
    this.#child = child;
    child.stdout?.on('data', (b: Buffer) => this.#output.push(b.toString()));
    child.stderr?.on('data', (b: Buffer) => this.#output.push(b.toString()));
  }

  static async start(config: string, dataDir: string): Promise<PrometheusServer> {
    const port = await freePort();
    const child = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${dataDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, child);
    try {
      await waitFor(
        'Prometheus ready',
        async () => (await fetch(`${server.url}/-/ready`).catch(() => undefined))?.ok,
        30_000,
      );
    } catch (error) {
      await server.stop();
      throw new Error(`${(error as Error).message}; its output:\n${server.output()}`, { cause: error });
    }
    return server;
  }

  output(): string {
    return this.#output.join('');
  }

  /** GET /api/v1/<path>: the `data` of a success, or an error with Prometheus' message. */
  async api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const url = new URL(`/api/v1/${path}`, this.url);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const response = await fetch(url);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success')
      throw new Error(`${path} ${JSON.stringify(params)}: ${body.error ?? response.status}`);
    return body.data;
  }

  async query(expr: string): Promise<PromSample[]> {
    const data = await this.api<{ resultType: string; result: PromSample[] }>('query', { query: expr });
    return data.resultType === 'vector' ? data.result : [];
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = once(this.#child, 'exit');
    this.#child.kill('SIGTERM');
    await exited;
  }
}
