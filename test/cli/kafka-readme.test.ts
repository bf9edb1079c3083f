// README.md's "Running against Kafka" block, run as written on a broker of its own with no topics yet
// (regression: on a fresh `npm run kafka:start`, `streamforge dummy` and `streamforge debug` exited on
// "Unknown topic queue-control": the broker does not create topics, and only the queue manager did).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kafkaSkipReason } from '../support/kafka.ts';
import { PrivateKafka } from '../support/private-kafka.ts';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The first ```bash block of the README's "Running against Kafka" section, line by line. */
function readmeCommands(): string[] {
  const section = readme.slice(readme.indexOf('## Running against Kafka'));
  const block = /```bash\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n## ', 3)));
  assert.ok(block, 'the section has a bash block');
  return block[1]!.split('\n').filter((line) => line.trim() !== '');
}

describe('README: Running against Kafka', { skip: kafkaSkipReason, timeout: 300_000 }, () => {
  let broker: PrivateKafka;

  before(async () => {
    broker = await PrivateKafka.start();
  });
  after(() => broker?.destroy());

  it('works verbatim on a fresh broker: dummy answers pings, follow shows telemetry, stop ends it', async () => {
    const lines = readmeCommands();
    assert.ok(lines.some((l) => l.startsWith('npx streamforge dummy')));
    const script = lines.map((line) => {
      // The only substitution besides the broker: the Ctrl-C that the README says ends --follow (npx
      // then exits 130, as an interrupted command does; the output below shows what it followed).
      if (line.includes('--follow')) return `timeout -s INT 6 ${line.replace(/\s+#.*$/, '')} || true`;
      return line.replaceAll('127.0.0.1:19092', broker.bootstrap);
    });
    const child = spawn('bash', ['-e', '-c', `${script.join('\n')}\nwait\n`], {
      cwd: root,
      env: {
        // npx runs bin/streamforge.js with the `node` first on PATH: this one (Node 24).
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
        HOME: process.env.HOME ?? '',
        // `npm run kafka:start` / `kafka:stop` act on the private broker (the shared one never stops).
        ...broker.scriptEnv,
        // The dummy's /metrics port (8000) may be taken by another test on this machine.
        METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own: whatever the script left running (a failed run leaves the dummy) is
      // killed with it below.
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone: everything the script started has ended
    }
    assert.doesNotMatch(output, /Unknown topic|SF_BUS_UNKNOWN_TOPIC/);
    assert.equal(code, 0, output);
    assert.match(output, /round trips: 5,/, 'five pings, five pongs');
    assert.match(output, /following queue-events for local/);
    assert.match(output, /loading/);
    assert.match(output, /stop sent to local/);
    assert.match(output, /"state":"interrupted"/, 'the dummy ended on the stop command');
  });
});
