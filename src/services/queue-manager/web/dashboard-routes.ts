import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pickEncoding, type WebAsset, type WebAssets } from './web-assets.ts';

const YEAR_SECONDS = 365 * 24 * 3600;

/** What `/` answers a client that asks for JSON (curl, scripts): where things are. */
const SERVICE_INDEX = {
  service: 'streamforge queue manager',
  dashboard: '/',
  docs: '/docs',
  openapi: '/docs/json',
  queues: '/queues',
};

/**
 * The web dashboard at `/` (index.html, revalidated on every load) and `/assets/*` (content-hashed
 * names, cached for a year as immutable), each sent brotli- or gzip-compressed when the client accepts
 * it. A client that prefers JSON at `/` gets the service index, as before the dashboard existed.
 */
export function dashboardRoutes(app: FastifyInstance, assets: WebAssets | undefined): void {
  app.get('/', { schema: { hide: true } }, (request, reply) => {
    if (!wantsHtml(request)) return reply.send(SERVICE_INDEX);
    const index = assets?.get('/index.html');
    if (!index) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(
          'The dashboard is not built: run "npm run build:web" (npm ci does it), then restart. The API is at /docs.',
        );
    }
    return sendAsset(request, reply, index);
  });
  app.get('/assets/*', { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const asset = assets?.get(path);
    if (!asset) return reply.callNotFound();
    return sendAsset(request, reply, asset);
  });
}

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: WebAsset): FastifyReply {
  void reply
    .header('content-type', asset.type)
    .header('etag', asset.etag)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', asset.immutable ? `public, max-age=${YEAR_SECONDS}, immutable` : 'no-cache');
  if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
  const encoding = pickEncoding(asset, String(request.headers['accept-encoding'] ?? ''));
  if (encoding === 'br') return reply.header('content-encoding', 'br').send(asset.brotli);
  if (encoding === 'gzip') return reply.header('content-encoding', 'gzip').send(asset.gzip);
  return reply.send(asset.body);
}
