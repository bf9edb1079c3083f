/**
 * A job's life, one way only:
 *
 *   created → starting → running → stopping → interrupted
 *                            ├──→ finished
 *                            └──→ failed
 *
 * `starting` connects the bus and the control loop; `stopping` is entered on a stop command or a
 * shutdown signal and ends in `interrupted`. Every terminal state publishes exactly one terminal event.
 */
export type JobState =
  'created' | 'starting' | 'running' | 'stopping' | 'finished' | 'failed' | 'interrupted';

const NEXT: Record<JobState, readonly JobState[]> = {
  created: ['starting'],
  starting: ['running', 'failed', 'stopping'],
  running: ['stopping', 'finished', 'failed'],
  stopping: ['interrupted'],
  finished: [],
  failed: [],
  interrupted: [],
};

export function canMove(from: JobState, to: JobState): boolean {
  return NEXT[from].includes(to);
}

export function isTerminal(state: JobState): boolean {
  return NEXT[state].length === 0;
}
