import { GEOBOT_TOPICS } from '../../protocol/geobot/envelope.ts';
import { readInteger, readString, type Env } from '../../runtime/index.ts';

/** The four geobot topics (seed 003's names by default) and their partitions when created here. */
export interface GeobotTopics {
  /** CREATE_USER_TOPIC [create_user_in]: POST /create_user → ARM. */
  readonly createUser: string;
  /** UPDATE_USER_TOPIC [update_user_in]: POST /update_user → ARM. */
  readonly updateUser: string;
  /** INFO_TOPIC [info_in]: POST /info, and every reply of ARM and WORKER → the logger. */
  readonly info: string;
  /** TASK_TOPIC [task_in]: POST /start_task → WORKER. */
  readonly task: string;
  /**
   * TOPIC_PARTITIONS [3]: partitions of each topic that the gateway or a processor creates because it
   * is missing (several WORKERs share task_in only if it has several partitions). Existing topics stay.
   */
  readonly partitions: number;
}

export function readGeobotTopics(env: Env): GeobotTopics {
  return Object.freeze({
    createUser: readString(env, 'CREATE_USER_TOPIC', GEOBOT_TOPICS.createUser),
    updateUser: readString(env, 'UPDATE_USER_TOPIC', GEOBOT_TOPICS.updateUser),
    info: readString(env, 'INFO_TOPIC', GEOBOT_TOPICS.info),
    task: readString(env, 'TASK_TOPIC', GEOBOT_TOPICS.task),
    partitions: readInteger(env, 'TOPIC_PARTITIONS', 3, 1),
  });
}

/** The defaults, for embedded use and tests. */
export const DEFAULT_GEOBOT_TOPICS: GeobotTopics = readGeobotTopics({});
