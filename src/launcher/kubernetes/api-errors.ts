import { ApiException } from '@kubernetes/client-node';
import { ErrorCodes, StreamForgeError, errorMessage } from '../../protocol/index.ts';

/** The parts of a Kubernetes `Status` body a launcher acts on. */
export interface KubeStatus {
  code: number | undefined;
  reason: string | undefined;
  message: string | undefined;
}

/** The HTTP status and Status body of a failed call; client-node leaves unlisted statuses' bodies as strings. */
export function kubeStatus(error: unknown): KubeStatus | undefined {
  if (!(error instanceof ApiException)) return undefined;
  let body: unknown = error.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = { message: body };
    }
  }
  const status = (body ?? {}) as { reason?: string; message?: string };
  return { code: error.code, reason: status.reason, message: status.message };
}

/** A failed Kubernetes call as a StreamForgeError: 422/400/403 are the job's fault, the rest may pass. */
export function toLaunchError(error: unknown, what: string): StreamForgeError {
  const status = kubeStatus(error);
  if (!status) {
    return new StreamForgeError(
      ErrorCodes.LAUNCH_FAILED,
      `${what}: Kubernetes API unreachable: ${errorMessage(error)}`,
      {
        cause: error,
        canRetry: true,
      },
    );
  }
  const detail = `${status.code ?? '?'} ${status.reason ?? ''}: ${status.message ?? 'no message'}`;
  if (status.code === 422 || status.code === 400 || status.code === 403 || status.code === 404) {
    return new StreamForgeError(ErrorCodes.LAUNCH_REJECTED, `${what}: Kubernetes refused it (${detail})`, {
      cause: error,
    });
  }
  return new StreamForgeError(ErrorCodes.LAUNCH_FAILED, `${what}: Kubernetes API error (${detail})`, {
    cause: error,
    canRetry: status.code === undefined || status.code >= 500 || status.code === 429,
  });
}
