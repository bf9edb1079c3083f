import { Type } from '@sinclair/typebox';
import { defineEvent } from '../../consumer/index.ts';

// Step 1 of adding an event type (docs/consumer.md): name it and give its data a schema.

const UserId = Type.String({ minLength: 1, maxLength: 256, description: 'the user, and the Kafka key' });
const Username = Type.String({ minLength: 1, maxLength: 256 });
const Email = Type.String({ maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$' });
const Action = Type.Optional(Type.String({ description: 'create, update or delete; informative' }));

export const UserCreated = defineEvent(
  'user.created',
  Type.Object({ user_id: UserId, username: Username, email: Email, action: Action }),
);

/** Fields left out keep their stored value. */
export const UserUpdated = defineEvent(
  'user.updated',
  Type.Object({
    user_id: UserId,
    username: Type.Optional(Username),
    email: Type.Optional(Email),
    action: Action,
  }),
);

export const UserDeleted = defineEvent('user.deleted', Type.Object({ user_id: UserId, action: Action }));
