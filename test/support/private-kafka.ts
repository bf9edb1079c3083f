// A Kafka broker of a test's own (scripts/kafka/start.sh with its own state dir and free ports): for
// tests that stop the broker under a running service (the shared test broker must never stop).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { KafkaConnectionOptions } from '../../src/bus/index.ts';
import { freePort } from './free-port.ts';

const run = promisify(execFile);
const SCRIPTS = resolve(import.meta.dirname, '../../scripts/kafka');

interface Ports {
  plaintext: number;
  sasl: number;
  controller: number;
}

export class PrivateKafka {
  readonly #dir: string;
  readonly #ports: Ports;

  private constructor(dir: string, ports: Ports) {
    this.#dir = dir;
    this.#ports = ports;
  }

  /** Formats a new single-node broker (jars come from the shared cache) and starts it. */
  static async start(): Promise<PrivateKafka> {
    const dir = mkdtempSync(join(tmpdir(), 'sf-kafka-'));
    const broker = new PrivateKafka(dir, {
      plaintext: await freePort(),
      sasl: await freePort(),
      controller: await freePort(),
    });
    try {
      await broker.restart();
      return broker;
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** KAFKA_BOOTSTRAP_SERVERS of the PLAINTEXT listener. */
  get bootstrap(): string {
    return `127.0.0.1:${this.#ports.plaintext}`;
  }

  get options(): KafkaConnectionOptions {
    return { bootstrapServers: [this.bootstrap], clientId: 'test' };
  }

  /** What scripts/kafka/start.sh and stop.sh need to act on this broker. */
  get scriptEnv(): Record<string, string> {
    return {
      KAFKA_STATE_DIR: this.#dir,
      KAFKA_PLAINTEXT_PORT: String(this.#ports.plaintext),
      KAFKA_SASL_PORT: String(this.#ports.sasl),
      KAFKA_CONTROLLER_PORT: String(this.#ports.controller),
    };
  }

  get #env(): NodeJS.ProcessEnv {
    return { ...process.env, ...this.scriptEnv };
  }

  /** Starts the broker (again) on the same ports and data; resolves once clients can connect. */
  async restart(): Promise<void> {
    await run('bash', [join(SCRIPTS, 'start.sh')], { env: this.#env });
  }

  /**
   * Stops the broker: `term` as an operator's restart would (controlled shutdown), `kill` as a crash
   * (SIGKILL: connections drop mid-request). Resolves once the process is gone.
   */
  async stop(how: 'term' | 'kill' = 'term'): Promise<void> {
    if (how === 'term') {
      await run('bash', [join(SCRIPTS, 'stop.sh')], { env: this.#env });
      return;
    }
    const pid = Number(readFileSync(join(this.#dir, 'kafka.pid'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((r) => setTimeout(r, 100));
  }

  /** Stops the broker and removes its state. */
  async destroy(): Promise<void> {
    await run('bash', [join(SCRIPTS, 'stop.sh'), '--clean'], { env: this.#env }).catch(() => undefined);
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** Still our broker JVM (a zombie has an empty cmdline; as scripts/kafka/stop.sh checks). */
function isAlive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('kafka.Kafka');
  } catch {
    return false;
  }
}
