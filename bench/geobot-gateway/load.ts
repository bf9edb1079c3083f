// A closed-loop HTTP load generator in a worker thread: `connections` keep-alive POSTs in flight for
// `seconds`, each a create_user body with a user id of its own. Posts { requests, errors, seconds }.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, connections, seconds, expect } = workerData as {
  url: string;
  connections: number;
  seconds: number;
  expect: number;
};
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const deadline = performance.now() + seconds * 1000;
let ok = 0;
let errors = 0;
let sequence = 0;

function once(): Promise<void> {
  sequence += 1;
  const body = JSON.stringify({ user_id: `bench-${sequence}`, username: 'ada', email: 'ada@example.org' });
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === expect) ok += 1;
          else errors += 1;
          resolve();
        });
      },
    );
    req.on('error', () => {
      errors += 1;
      resolve();
    });
    req.end(body);
  });
}

async function loop(): Promise<void> {
  while (performance.now() < deadline) await once();
}

const started = performance.now();
await Promise.all(Array.from({ length: connections }, loop));
agent.destroy();
parentPort!.postMessage({ requests: ok, errors, seconds: (performance.now() - started) / 1000 });
