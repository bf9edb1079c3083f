import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import type { CollectionStats } from '../../services/connector/index.ts';

/** What a queue manager's `GET /` says about itself: how a running manager is told from anything else. */
const SERVICE = 'streamforge queue manager';

/** The manager `streamforge up` starts by default on this machine: PORT, else 8080, on 127.0.0.1. */
export function localManagerUrl(env: NodeJS.ProcessEnv): string {
  const port = Number(env.PORT);
  return `http://127.0.0.1:${Number.isInteger(port) && port > 0 ? port : 8080}`;
}

/** Whether a StreamForge queue manager answers at `url` (within a second). */
export async function managerAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/', url), { signal: AbortSignal.timeout(1000) });
    const body = (await response.json()) as { service?: unknown };
    return response.ok && body.service === SERVICE;
  } catch {
    return false;
  }
}

/** GET /collections/{name} of the manager at `url`; its SF_* errors come back as StreamForgeErrors. */
export async function statsFromManager(url: string, name: string): Promise<CollectionStats> {
  let response: Response;
  try {
    response = await fetch(new URL(`/collections/${encodeURIComponent(name)}`, url));
  } catch (error) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `no queue manager answers at ${url}: start one (streamforge up) or check --manager`,
      { cause: error },
    );
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.ok) return body as unknown as CollectionStats;
  const code = typeof body.code === 'string' && body.code.startsWith('SF_') ? body.code : undefined;
  throw new StreamForgeError(
    (code as (typeof ErrorCodes)[keyof typeof ErrorCodes] | undefined) ?? ErrorCodes.INVALID_CONFIG,
    typeof body.message === 'string'
      ? body.message
      : `${url} answered ${response.status} to GET /collections/${name}: is it a StreamForge queue manager?`,
  );
}
