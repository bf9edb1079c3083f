import { STATUS_CODES, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { ErrorCodes, StreamForgeError, type ErrorCode } from '../../protocol/index.ts';
import type { Logger } from '../logger.ts';
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
  /** Where a failed request is logged in full (its answer is generic). */
  logger?: Logger;
}

type Answer = { status: number; type: string; body: string };

/** /metrics and /health/{live,ready,startup} of a job: small enough for node:http alone. */
export class ServiceHttpServer {
  readonly #options: ServiceHttpServerOptions;
  readonly #server: Server;

  constructor(options: ServiceHttpServerOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => {
      this.#route(request.method ?? 'GET', request.url ?? '/').then(
        ({ status, type, body }) => response.writeHead(status, { 'content-type': type }).end(body),
        (error: unknown) => {
          // Like the queue manager's API: the details go to the log, never into the answer.
          this.#options.logger?.error({ err: error, url: request.url }, 'metrics or health request failed');
          const { status, type, body } = errorAnswer(500, ErrorCodes.INTERNAL, 'internal error; see the log');
          response.writeHead(status, { 'content-type': type }).end(body);
        },
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

  async #route(method: string, url: string): Promise<Answer> {
    const path = url.split('?')[0] ?? url;
    const { registry, health, metricsPath = '/metrics' } = this.#options;
    if (path === metricsPath)
      return { status: 200, type: registry.contentType, body: await registry.metrics() };
    if (path === '/health/live') return probe(await health.live());
    if (path === '/health/ready') return probe(await health.ready());
    if (path === '/health/startup') return probe(await health.startup());
    const routes = `${metricsPath}, /health/live, /health/ready, /health/startup`;
    return errorAnswer(
      404,
      ErrorCodes.NOT_FOUND,
      `no route ${method} ${path.slice(0, 120)}: this server has ${routes}`,
    );
  }
}

/** The error shape of every StreamForge HTTP server: {statusCode, error, code: SF_*, message}. */
function errorAnswer(status: number, code: ErrorCode, message: string): Answer {
  return {
    status,
    type: 'application/json; charset=utf-8',
    body: JSON.stringify({ statusCode: status, error: STATUS_CODES[status], code, message }),
  };
}

function probe(result: ProbeResult): Answer {
  return {
    status: result.ok ? 200 : 503,
    type: 'application/json',
    body: JSON.stringify({ status: result.ok ? 'ok' : 'unavailable', checks: result.checks }),
  };
}
