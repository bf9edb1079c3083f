// `promtool check metrics` (Debian's prometheus package; .ci/run installs it): the exposition-format lint
// Prometheus' own tooling applies to a /metrics page.
import { spawnSync } from 'node:child_process';

function findPromtool(): string | undefined {
  const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? 'promtool' : undefined;
}

const promtool = findPromtool();

/** Why promtool tests are skipped, or undefined when promtool is on PATH. */
export const promtoolSkipReason: string | undefined = promtool
  ? undefined
  : 'promtool is not installed (apt-get install prometheus; .ci/run does)';

/** What `promtool check metrics` says about a /metrics page: one problem a line, [] when it passes. */
export function promtoolProblems(metricsText: string): string[] {
  if (!promtool) throw new Error(promtoolSkipReason);
  const checked = spawnSync(promtool, ['check', 'metrics'], { input: metricsText, encoding: 'utf8' });
  const problems = `${checked.stdout}${checked.stderr}`.split('\n').filter((line) => line.trim() !== '');
  if (checked.status !== 0 && problems.length === 0) problems.push(`promtool exited ${checked.status}`);
  return problems;
}

/** Asserts a /metrics page passes promtool; where promtool is missing, says so once and checks nothing. */
export function assertPassesPromtool(metricsText: string, endpoint: string): void {
  if (promtoolSkipReason) {
    warnOnce();
    return;
  }
  const problems = promtoolProblems(metricsText);
  if (problems.length > 0)
    throw new Error(`${endpoint} fails promtool check metrics:\n${problems.join('\n')}`);
}

let warned = false;
function warnOnce(): void {
  if (!warned) console.warn(`# promtool checks skipped: ${promtoolSkipReason}`);
  warned = true;
}
