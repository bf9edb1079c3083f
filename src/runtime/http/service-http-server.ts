import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import type { Health, ProbeResult } from './health.ts';

export interface ServiceHttpServerOptions {
  registry: Registry;
  health: Health;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Default 0.0.0.0 so the kubelet and Prometheus reach it inside a pod. */
  host?: string;
  /** Path of the Prometheus endpoint; default /metrics (seed 002: METRICS_PATH). */
  metricsPath?: string;
}

/** /metrics and /health/{live,ready,startup} of a job: small enough for node:http alone. */
export class ServiceHttpServer {
  readonly #options: ServiceHttpServerOptions;
  readonly #server: Server;

  constructor(options: ServiceHttpServerOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => {
      this.#route(request.url ?? '/').then(
        ({ status, type, body }) => response.writeHead(status, { 'content-type': type }).end(body),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
      );
    });
  }

  async listen(): Promise<number> {
    const { port, host = '0.0.0.0' } = this.#options;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new StreamForgeError(
                ErrorCodes.INVALID_CONFIG,
                `port ${port} is in use: stop what listens there or choose another port (METRICS_PORT)`,
              )
            : error,
        ),
      );
      this.#server.listen(port, host, () => resolve());
    });
    return (this.#server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #route(url: string): Promise<{ status: number; type: string; body: string }> {
    const path = url.split('?')[0];
    const { registry, health, metricsPath = '/metrics' } = this.#options;
    if (path === metricsPath)
      return { status: 200, type: registry.contentType, body: await registry.metrics() };
    if (path === '/health/live') return probe(await health.live());
    if (path === '/health/ready') return probe(await health.ready());
    if (path === '/health/startup') return probe(await health.startup());
    return { status: 404, type: 'text/plain', body: `not found: ${path}\n` };
  }
}

function probe(result: ProbeResult): { status: number; type: string; body: string } {
  return {
    status: result.ok ? 200 : 503,
    type: 'application/json',
    body: JSON.stringify({ status: result.ok ? 'ok' : 'unavailable', checks: result.checks }),
  };
}
