// The devcontainer definition: VS Code (or the devcontainer CLI) builds .devcontainer/Containerfile and
// runs `npm ci` in it. Its base image comes from a container registry this machine cannot reach, so the
// test checks what can be checked here: the definition parses, names files that exist, installs `npm ci`
// and every Debian package .ci/run needs, and starts PostgreSQL the way the tests expect it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '..', '..');
const dir = join(root, '.devcontainer');

interface DevContainer {
  name: string;
  build?: { dockerfile: string; context?: string };
  image?: string;
  postCreateCommand?: string;
  postStartCommand?: string;
  forwardPorts?: number[];
  runArgs?: string[];
}

// Plain JSON (no comments), so JSON.parse reads it as the devcontainer tools do.
const config = JSON.parse(readFileSync(join(dir, 'devcontainer.json'), 'utf8')) as DevContainer;

/** The Debian packages a Containerfile's `apt-get install` lines name. */
function aptPackages(containerfile: string): Set<string> {
  const joined = containerfile.replace(/\\\n/g, ' ');
  const installs = [...joined.matchAll(/apt-get install ([^&\n]+)/g)].map((m) => m[1]!);
  return new Set(installs.flatMap((args) => args.split(/\s+/).filter((w) => w && !w.startsWith('-'))));
}

describe('.devcontainer/devcontainer.json', () => {
  it('builds its Containerfile with the repository as context and runs npm ci after creating it', () => {
    assert.ok(config.build, 'built from a Containerfile, not a prebuilt image');
    const containerfile = resolve(dir, config.build.dockerfile);
    assert.ok(existsSync(containerfile), `${config.build.dockerfile} exists`);
    assert.equal(resolve(dir, config.build.context ?? '.'), root, 'the context is the repository');
    assert.match(config.postCreateCommand ?? '', /^npm ci\b/);
    const start = /^bash (\S+)$/.exec(config.postStartCommand ?? '');
    assert.ok(start && existsSync(join(root, start[1]!)), 'postStartCommand runs a script of the repository');
    assert.ok(config.forwardPorts?.includes(8080), 'the queue manager API port is forwarded');
    assert.ok(config.runArgs?.includes('--privileged'), 'buildah and mmdebstrap need a privileged container');
  });

  it('installs every tool .ci/run and npm run image:build use', () => {
    const installed = aptPackages(readFileSync(resolve(dir, config.build!.dockerfile), 'utf8'));
    const ciRun = readFileSync(join(root, '.ci', 'run'), 'utf8');
    const ciPackages = [...ciRun.matchAll(/missing\+=\(([^)]+)\)/g)].flatMap((m) => m[1]!.split(/\s+/));
    const machine = ['postgresql', 'openjdk-17-jdk-headless', 'maven', 'nodejs', 'npm', 'git'];
    for (const pkg of [...ciPackages, ...machine, 'buildah', 'mmdebstrap', 'kcat', 'curl']) {
      assert.ok(installed.has(pkg), `the devcontainer installs ${pkg}`);
    }
  });

  it('starts PostgreSQL as the tests expect it: 127.0.0.1:5432, trust auth, database test', () => {
    assert.equal(config.postStartCommand, 'bash scripts/dev/postgres.sh');
    const script = readFileSync(join(root, 'scripts', 'dev', 'postgres.sh'), 'utf8');
    assert.match(script, /host all all 127\.0\.0\.1\/32 trust/);
    assert.match(script, /pg_ctlcluster .* main start/);
    assert.match(script, /create database test/);
  });
});
