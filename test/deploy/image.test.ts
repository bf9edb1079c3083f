// The container image, built as `npm run image:build` builds it (buildah + mmdebstrap, no Docker), then
// run with buildah: the CLI, the debug container's tools, and a dummy job answering pings from the same
// image over the host's test broker. The first build on a machine takes minutes (mmdebstrap downloads
// Debian); later ones reuse the cached rootfs, node_modules and layers. STREAMFORGE_IMAGE names an image
// built beforehand (the GitLab template's test job) instead.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kafkaSkipReason, testListeners, uniqueName } from '../support/kafka.ts';

const root = join(import.meta.dirname, '..', '..');
const buildahScript = join(root, 'scripts', 'image', 'buildah.sh');

function missingTools(): string | undefined {
  const missing = ['buildah', 'mmdebstrap'].filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
  );
  if (missing.length > 0)
    return `${missing.join(' and ')} not installed (apt-get install buildah mmdebstrap)`;
  if (process.getuid?.() !== 0) return 'building the image needs root (chroot isolation, mmdebstrap)';
  return undefined;
}
const skip = missingTools();
/**
 * An image built before the tests (CI's image job hands it over as `oci-archive:<file>`); unset, the
 * test builds one with scripts/image/build.sh.
 */
const prebuilt = process.env.STREAMFORGE_IMAGE;

interface Run {
  code: number | null;
  output: string;
}

/** Starts a command; `done` settles when it exits (the test runner's other tests go on meanwhile). */
function start(command: string, args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const done = once(child, 'exit').then(([code]) => ({ code: code as number | null, output }));
  return { child, done };
}

const run = (command: string, args: string[]): Promise<Run> => start(command, args).done;

const buildah = (...args: string[]): Promise<Run> => run('bash', [buildahScript, ...args]);

/** `buildah run` arguments: in `container`, as the image's user, with the host's network (the broker's). */
function runArgs(container: string, env: Record<string, string>, command: string[]): string[] {
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  return [
    buildahScript,
    'run',
    '--isolation',
    'chroot',
    '--network',
    'host',
    ...envArgs,
    container,
    '--',
    ...command,
  ];
}

const inContainer = (container: string, env: Record<string, string>, command: string[]): Promise<Run> =>
  run('bash', runArgs(container, env, command));

describe('container image (npm run image:build)', { skip, timeout: 1_800_000 }, () => {
  let image = '';
  const containers: string[] = [];

  /** A fresh working container of the image (buildah from). */
  async function container(): Promise<string> {
    const from = await buildah('from', '--quiet', ...(prebuilt ? [] : ['--pull-never']), image);
    assert.equal(from.code, 0, from.output);
    const name = from.output.trim().split('\n').at(-1)!;
    containers.push(name);
    return name;
  }

  before(
    async () => {
      if (prebuilt) {
        image = prebuilt;
        console.log(`# image ${image} (STREAMFORGE_IMAGE): not building one`);
        return;
      }
      const started = Date.now();
      const build = await run('bash', [join(root, 'scripts', 'image', 'build.sh')]);
      assert.equal(build.code, 0, build.output);
      image = build.output.trim().split('\n').at(-1)!;
      assert.match(image, /^streamforge:\d+\.\d+\.\d+/);
      console.log(`# image ${image} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
    { timeout: 1_800_000 },
  );
  after(async () => {
    for (const name of containers) await buildah('rm', name);
  });

  // Each test makes working containers: with the vfs driver that is a full copy of the image, slow on a
  // loaded machine.
  const slow = { timeout: 600_000 };

  it(
    'runs streamforge --help as a non-root user, with Node 24 and production dependencies only',
    slow,
    async () => {
      const ctr = await container();
      const help = await inContainer(ctr, {}, ['streamforge', '--help']);
      assert.equal(help.code, 0, help.output);
      for (const command of ['up', 'queue-manager', 'dummy', 'debug'])
        assert.match(help.output, new RegExp(`\\b${command}\\b`));

      const facts = await inContainer(ctr, {}, [
        'sh',
        '-c',
        'id -u; node --version; ls /opt/streamforge/node_modules; test -w /opt/streamforge/src || echo read-only; test -w . && echo home-writable',
      ]);
      assert.equal(facts.code, 0, facts.output);
      const [uid, nodeVersion, ...rest] = facts.output.trim().split('\n');
      assert.equal(uid, '10001', 'the image runs as streamforge, not root');
      assert.match(nodeVersion!, /^v24\./);
      const modules = new Set(rest);
      assert.ok(modules.has('fastify') && modules.has('@platformatic'), 'production dependencies are there');
      for (const dev of ['typescript', 'eslint', 'prettier', 'esbuild', 'node']) {
        assert.ok(!modules.has(dev), `devDependency ${dev} is not in the image`);
      }
      assert.ok(modules.has('read-only'), 'the app is not writable by the user running it');
      assert.ok(modules.has('home-writable'), 'the working directory (its home) is');
    },
  );

  it('is the debug container too: kcat and curl are there', slow, async () => {
    const ctr = await container();
    const tools = await inContainer(ctr, {}, ['sh', '-c', 'kcat -V && curl --version']);
    assert.equal(tools.code, 0, tools.output);
    assert.match(tools.output, /kcat - Apache Kafka producer and consumer tool/);
    assert.match(tools.output, /^curl \d/m);
  });

  it(
    'runs a dummy job in the image that answers pings sent by streamforge debug from the image',
    { skip: kafkaSkipReason, ...slow },
    async () => {
      const kafka = testListeners().find((l) => l.name === 'plaintext');
      assert.ok(kafka, 'the test broker has a PLAINTEXT listener');
      const bootstrap = kafka.env.KAFKA_BOOTSTRAP_SERVERS!;
      const queueId = uniqueName('image');
      const env = { KAFKA_BOOTSTRAP_SERVERS: bootstrap, QUEUE_ID: queueId, METRICS_PORT: '0' };
      const dummyCtr = await container();
      const dummy = start(
        'bash',
        runArgs(dummyCtr, env, ['streamforge', 'dummy', '--simulate-loading', '--loading-interval', '1']),
      );
      try {
        await pingPongStop(dummy.done, bootstrap, env);
      } finally {
        // On a failure above the dummy may still run: buildah passes the signal on to it.
        if (dummy.child.exitCode === null) dummy.child.kill('SIGTERM');
      }
    },
  );

  /** Checks from a second container of the image: kcat reaches the broker; the dummy pongs; stop ends it. */
  async function pingPongStop(
    dummy: Promise<Run>,
    bootstrap: string,
    env: Record<string, string>,
  ): Promise<void> {
    const queueId = env.QUEUE_ID!;
    const debugCtr = await container();

    // kcat in the image reaches the broker over the host's network.
    const metadata = await inContainer(debugCtr, {}, ['kcat', '-b', bootstrap, '-L', '-m', '30']);
    assert.equal(metadata.code, 0, metadata.output);
    assert.match(metadata.output, /broker/);

    // A ping sent before the dummy reads queue-control is lost: ask until one pong comes back.
    const debug = (args: string[]): Promise<Run> =>
      inContainer(debugCtr, env, ['streamforge', 'debug', '--queue-id', queueId, ...args]);
    let first: Run | undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      first = await debug(['--command', 'ping', '--expect-pong', '--timeout', '5']);
      if (first.code === 0) break;
    }
    assert.equal(first?.code, 0, `no pong from the dummy in the image:\n${first?.output}`);

    const pings = await debug(['--command', 'ping', '--expect-pong', '--repeat', '3', '--timeout', '30']);
    assert.equal(pings.code, 0, pings.output);
    assert.match(pings.output, /round trips: 3,/);

    const stop = await debug(['--command', 'stop']);
    assert.equal(stop.code, 0, stop.output);
    const ended = await dummy;
    assert.equal(ended.code, 0, ended.output);
    assert.match(ended.output, /"state":"interrupted"/, 'the dummy in the image ended on the stop command');
  }
});
