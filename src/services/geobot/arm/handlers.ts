import { invalidEvent } from '../../../consumer/index.ts';
import {
  CreateUserData,
  GEOBOT_ACTIONS,
  UpdateUserData,
  updateUserProblems,
} from '../../../protocol/geobot/requests.ts';
import { ActionRegistry, defineAction, type ReceivedEnvelope } from '../action-registry.ts';
import type { Replier } from '../info-replies.ts';
import type { GeobotUserStore, UserOutcome } from './user-store.ts';

export const CreateUserAction = defineAction(GEOBOT_ACTIONS.createUser, CreateUserData);
export const UpdateUserAction = defineAction(GEOBOT_ACTIONS.updateUser, UpdateUserData);

/** The reply's message per outcome (the seed's "User created" / "User update"). */
const MESSAGES: Record<UserOutcome, string> = {
  created: 'User created',
  changed: 'User updated',
  unchanged: 'User unchanged: it already had these values',
  stale: 'User unchanged: a newer change was applied before',
};

/**
 * ARM's handlers (the seed's CreateUserHandler and UpdateUserHandler): store the user, then reply on
 * info_in with the stored row (the original replied with the request, or null). The store comes
 * first, so a reply always describes a committed row; a reply that fails is retried with the
 * (idempotent) store step.
 */
export function armRegistries(
  users: GeobotUserStore,
  replies: Replier,
  onApplied?: (action: string, outcome: UserOutcome) => void,
) {
  const origin = (envelope: ReceivedEnvelope<unknown>) => {
    const at = envelope.payload.timestamp;
    if (Number.isNaN(Date.parse(at)))
      throw invalidEvent(`payload.timestamp "${at.slice(0, 40)}" is not a time`);
    const { topic, partition, offset } = envelope.record;
    return { at, source: `${topic}/${partition}/${offset}` };
  };
  const create = new ActionRegistry().on(CreateUserAction, async (envelope) => {
    const applied = await users.create(envelope.payload.data, origin(envelope));
    onApplied?.(envelope.action, applied.outcome);
    await replies.send(
      envelope.action,
      MESSAGES[applied.outcome],
      { ...applied.user, outcome: applied.outcome },
      applied.user.user_id,
    );
  });
  const update = new ActionRegistry().on(UpdateUserAction, async (envelope) => {
    const problems = updateUserProblems(envelope.payload.data);
    if (problems.length > 0) throw invalidEvent(`update_user: ${problems.join('; ')}`);
    const applied = await users.update(envelope.payload.data, origin(envelope));
    onApplied?.(envelope.action, applied.outcome);
    await replies.send(
      envelope.action,
      MESSAGES[applied.outcome],
      { ...applied.user, outcome: applied.outcome },
      applied.user.user_id,
    );
  });
  return { create, update };
}
