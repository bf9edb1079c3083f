import { once } from 'node:events';
import { createServer } from 'node:net';

/** A TCP port nobody listens on now (the kernel's pick for port 0 on 127.0.0.1). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
