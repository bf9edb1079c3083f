import { invalidEvent } from '../../../consumer/index.ts';
import { GEOBOT_ACTIONS, StartTaskData, taskProblems } from '../../../protocol/geobot/requests.ts';
import { ActionRegistry, defineAction } from '../action-registry.ts';
import type { Replier } from '../info-replies.ts';
import { runTask } from './geometry.ts';

export const StartTaskAction = defineAction(GEOBOT_ACTIONS.startTask, StartTaskData);

export interface WorkerHandlerOptions {
  /** Progress envelopes per task (the last is 100 %). */
  progressSteps: number;
  /** Told of each finished task: its type, outcome and seconds taken (metrics). */
  onTask?: (type: string, outcome: 'done' | 'invalid', seconds: number) => void;
}

/**
 * WORKER's handler: runs the task with progress envelopes on info_in (status "running", done/total,
 * percent), then the result (status "done"). All are keyed by task_id, so they stay in order. A
 * redelivered task (a crash before the commit) runs again and reports again: at least once.
 */
export function workerRegistry(replies: Replier, options: WorkerHandlerOptions): ActionRegistry {
  return new ActionRegistry().on(StartTaskAction, async (envelope, context) => {
    const task = envelope.payload.data;
    const { topic, partition, offset } = envelope.record;
    const problems = taskProblems(task);
    if (problems.length > 0) {
      options.onTask?.(task.type, 'invalid', 0);
      throw invalidEvent(`start_task: ${problems.join('; ')}`);
    }
    // The gateway always sets one; a message produced by hand may not.
    const taskId = task.task_id ?? `${topic}-${partition}-${offset}`;
    const about = { task_id: taskId, type: task.type, ...(task.user_id ? { user_id: task.user_id } : {}) };
    const started = performance.now();
    const result = await runTask(task, {
      steps: options.progressSteps,
      signal: context.signal,
      onProgress: async ({ done, total }) => {
        const percent = Math.floor((done / total) * 100);
        await replies.send(
          envelope.action,
          `Task ${taskId}: ${percent}% (${done}/${total} edges)`,
          { ...about, status: 'running', done, total, percent },
          taskId,
        );
      },
    });
    const seconds = (performance.now() - started) / 1000;
    await replies.send(
      envelope.action,
      'Task done',
      { ...about, status: 'done', result, duration_ms: Math.round(seconds * 1000) },
      taskId,
    );
    options.onTask?.(task.type, 'done', seconds);
  });
}
