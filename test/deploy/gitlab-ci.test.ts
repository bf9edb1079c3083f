// The GitLab CI template (.gitlab-ci.yml): no GitLab here, so its structure is checked the way GitLab
// reads it (stages, extends, needs) and every command it runs is checked against the repository: npm
// scripts exist, bash scripts exist, the test job runs what .ci/run runs and installs what .ci/run does.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const ci = parse(readFileSync(join(root, '.gitlab-ci.yml'), 'utf8')) as Record<string, unknown>;
const packageScripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: object })
  .scripts;

interface Job {
  stage?: string;
  extends?: string | string[];
  needs?: string[];
  variables?: Record<string, string>;
  before_script?: string[];
  script?: string[];
  artifacts?: { paths?: string[] };
}

/** Keys GitLab reads as settings, not jobs. */
const GLOBAL_KEYS = new Set([
  'stages',
  'variables',
  'default',
  'workflow',
  'include',
  'image',
  'services',
  'cache',
]);
const stages = ci.stages as string[];
const globals = ci.variables as Record<string, string>;
const jobs = Object.entries(ci).filter(([name]) => !GLOBAL_KEYS.has(name) && !name.startsWith('.')) as [
  string,
  Job,
][];

/** A job with its `extends` templates merged in, as GitLab does (the job's own keys win). */
function resolved(job: Job): Job {
  const bases = job.extends === undefined ? [] : [job.extends].flat();
  const merged: Job = {};
  for (const base of bases) {
    const template = ci[base] as Job | undefined;
    assert.ok(template, `extends: ${base} is defined`);
    Object.assign(merged, resolved(template));
  }
  return { ...merged, ...job, variables: { ...merged.variables, ...job.variables } };
}

/** Every shell line a job runs, with $VARIABLES of the job and of the file substituted. */
function commands(job: Job): string[] {
  const vars = { ...globals, ...job.variables };
  return [...(job.before_script ?? []), ...(job.script ?? [])].map((line) =>
    line.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => vars[name] ?? whole),
  );
}

const job = (name: string): Job => {
  const found = jobs.find(([n]) => n === name);
  assert.ok(found, `job ${name} exists`);
  return resolved(found[1]);
};

describe('.gitlab-ci.yml', () => {
  it('has stages, and every job names one of them and runs a script', () => {
    assert.ok(Array.isArray(stages) && stages.length > 0);
    assert.ok(jobs.length >= 2);
    for (const key of GLOBAL_KEYS) {
      const value = ci[key] as { script?: unknown } | undefined;
      assert.ok(value?.script === undefined, `"${key}" is a GitLab keyword, not a job name`);
    }
    for (const [name, raw] of jobs) {
      const j = resolved(raw);
      assert.ok(j.stage && stages.includes(j.stage), `${name}: stage ${j.stage} is in stages`);
      assert.ok(Array.isArray(j.script) && j.script.length > 0, `${name}: has a script`);
    }
  });

  it('needs only jobs of earlier stages', () => {
    for (const [name, raw] of jobs) {
      for (const need of resolved(raw).needs ?? []) {
        const needed = job(need);
        assert.ok(
          stages.indexOf(needed.stage!) < stages.indexOf(resolved(raw).stage!),
          `${name} needs ${need}, which runs before it`,
        );
      }
    }
  });

  it('runs only npm scripts and files that exist in the repository', () => {
    for (const [name, raw] of jobs) {
      for (const line of commands(resolved(raw))) {
        for (const [, script] of line.matchAll(/npm run (\S+)/g)) {
          assert.ok(script! in packageScripts, `${name}: npm run ${script} is a script of package.json`);
        }
        for (const [, file] of line.matchAll(/\bbash (\S+)/g)) {
          assert.ok(existsSync(join(root, file!)), `${name}: ${file} exists`);
        }
      }
    }
  });

  it('builds the image once and hands it to the tests, which run as .ci/run runs them', () => {
    const image = job('build-image');
    const archive = globals.IMAGE_ARCHIVE!;
    assert.ok(commands(image).some((l) => l.includes('npm run image:build') && l.includes(archive)));
    assert.deepEqual(
      image.artifacts?.paths?.map((p) => p.replace('$IMAGE_ARCHIVE', archive)),
      [archive],
    );

    const test = job('test');
    assert.deepEqual(test.needs, ['build-image']);
    const run = commands(test).find((l) => l.includes('bash .ci/run'));
    assert.ok(run, 'the test job runs .ci/run');
    assert.match(run, new RegExp(`STREAMFORGE_IMAGE="oci-archive:[^"]*${archive}"`), 'with the built image');
  });

  it('installs in the test job every Debian package .ci/run installs or uses', () => {
    const installed = new Set(job('test').variables!.APT_PACKAGES!.split(/\s+/));
    const ciRun = readFileSync(join(root, '.ci', 'run'), 'utf8');
    const ciPackages = [...ciRun.matchAll(/missing\+=\(([^)]+)\)/g)].flatMap((m) => m[1]!.split(/\s+/));
    // What .ci/run expects on the machine rather than installing: PostgreSQL, Java and Maven.
    const machine = ['postgresql', 'openjdk-17-jdk-headless', 'maven', 'nodejs', 'npm'];
    for (const pkg of [...ciPackages, ...machine, 'buildah', 'mmdebstrap']) {
      assert.ok(installed.has(pkg), `the test job installs ${pkg}`);
    }
  });
});
