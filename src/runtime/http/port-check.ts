import { createServer } from 'node:net';
import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';

/**
 * Fails fast with SF_PORT_IN_USE when `port` on `host` cannot be bound, before a service spends seconds
 * opening its database only to die on EADDRINUSE when it finally listens. `hint` tells the user how to
 * choose another port (a flag or a variable). Port 0 (any free port) is always free.
 */
export async function assertPortFree(port: number, host: string, hint: string): Promise<void> {
  if (port === 0) return;
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host, exclusive: true }, resolve);
    });
  } catch (error) {
    throw portError(error, port, host, hint) ?? error;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** EADDRINUSE (and EACCES, a privileged port) as the StreamForgeError that says what to do; else undefined. */
export function portError(
  error: unknown,
  port: number,
  host: string,
  hint: string,
): StreamForgeError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new StreamForgeError(
      ErrorCodes.PORT_IN_USE,
      `port ${port} on ${host} is in use by another process: stop it, or pick another port with ${hint}`,
      { cause: error },
    );
  }
  if (code === 'EACCES') {
    return new StreamForgeError(
      ErrorCodes.PORT_IN_USE,
      `port ${port} on ${host} needs privileges this process does not have: pick a port above 1023 with ${hint}`,
      { cause: error },
    );
  }
  return undefined;
}
