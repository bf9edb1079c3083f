// A closed-loop HTTP load generator run in a worker thread: `connections` keep-alive requests in
// flight for `seconds`, counting 200 answers. Posts { requests, errors, seconds } back.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, connections, seconds } = workerData as { url: string; connections: number; seconds: number };
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const deadline = performance.now() + seconds * 1000;
let ok = 0;
let errors = 0;

function once(): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) ok += 1;
        else errors += 1;
        resolve();
      });
    });
    req.on('error', () => {
      errors += 1;
      resolve();
    });
    req.end();
  });
}

async function loop(): Promise<void> {
  while (performance.now() < deadline) await once();
}

const started = performance.now();
await Promise.all(Array.from({ length: connections }, loop));
agent.destroy();
parentPort!.postMessage({ requests: ok, errors, seconds: (performance.now() - started) / 1000 });
