import { ErrorCodes, StreamForgeError } from '../../../protocol/index.ts';
import type { CreateUser, UpdateUser } from '../../../protocol/geobot/requests.ts';
import type { Migration, SqlClient } from '../../../store/index.ts';
import { armMigrations } from './migrations.ts';

/** A user as stored, as it goes out in `payload.data` of ARM's replies. */
export interface StoredUser {
  user_id: string;
  username: string;
  email: string | null;
  full_name: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/**
 * What a request did: created the row, changed it, changed nothing (the row already says so: a
 * repeat), or was older than the row (stale: a newer change is kept).
 */
export type UserOutcome = 'created' | 'changed' | 'unchanged' | 'stale';

export interface Applied {
  outcome: UserOutcome;
  user: StoredUser;
}

/** Where a change came from and when it happened (the envelope's timestamp, not the processing time). */
export interface ChangeOrigin {
  at: string;
  source: string;
}

interface Row {
  user_id: string;
  username: string;
  email: string | null;
  full_name: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
  inserted?: boolean;
}

const COLUMNS = 'user_id, username, email, full_name, created_at, updated_at, version';

/** ARM's users in PostgreSQL (or PGlite): idempotent upserts keyed by user_id. */
export class GeobotUserStore {
  readonly #sql: SqlClient;
  readonly #table: string;
  readonly #schema: string;

  constructor(sql: SqlClient, schema = 'public') {
    this.#sql = sql;
    this.#schema = schema;
    this.#table = `"${schema}".geobot_users`;
  }

  migrations(): Migration[] {
    return armMigrations(this.#schema);
  }

  /** Creates the user, or overwrites every field of an existing one (fields left out become null). */
  async create(user: CreateUser, origin: ChangeOrigin): Promise<Applied> {
    const { rows } = await this.#sql.query<Row>(
      `insert into ${this.#table} as u (user_id, username, email, full_name, created_at, updated_at, last_source)
         values ($1, $2, $3, $4, $5::timestamptz, $5::timestamptz, $6)
       on conflict (user_id) do update set
         username = excluded.username, email = excluded.email, full_name = excluded.full_name,
         updated_at = excluded.updated_at, version = u.version + 1, last_source = excluded.last_source
       where u.updated_at <= excluded.updated_at
         and (u.username, u.email, u.full_name) is distinct from (excluded.username, excluded.email, excluded.full_name)
       returning ${COLUMNS}, (xmax = 0) as inserted`,
      [user.user_id, user.username, user.email ?? null, user.full_name ?? null, origin.at, origin.source],
    );
    const row = rows[0];
    if (row) return { outcome: row.inserted ? 'created' : 'changed', user: toUser(row) };
    return this.#unchangedOrStale(user.user_id, origin);
  }

  /**
   * Changes the fields given; the others keep their value. A user that does not exist (yet: its
   * create_user travels on another topic and may come later) is SF_NOT_FOUND, which the processor
   * retries with backoff before dead-lettering it.
   */
  async update(update: UpdateUser, origin: ChangeOrigin): Promise<Applied> {
    const { rows } = await this.#sql.query<Row>(
      `update ${this.#table} as u set
         username = coalesce($2, u.username), email = coalesce($3, u.email),
         full_name = coalesce($4, u.full_name), updated_at = $5::timestamptz, version = u.version + 1, last_source = $6
       where u.user_id = $1 and u.updated_at <= $5::timestamptz
         and (u.username, u.email, u.full_name) is distinct from
             (coalesce($2, u.username), coalesce($3, u.email), coalesce($4, u.full_name))
       returning ${COLUMNS}`,
      [
        update.user_id,
        update.username ?? null,
        update.email ?? null,
        update.full_name ?? null,
        origin.at,
        origin.source,
      ],
    );
    const row = rows[0];
    if (row) return { outcome: 'changed', user: toUser(row) };
    return this.#unchangedOrStale(update.user_id, origin);
  }

  async get(userId: string): Promise<StoredUser | undefined> {
    const { rows } = await this.#sql.query<Row>(`select ${COLUMNS} from ${this.#table} where user_id = $1`, [
      userId,
    ]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async #unchangedOrStale(userId: string, origin: ChangeOrigin): Promise<Applied> {
    const user = await this.get(userId);
    if (!user) {
      throw new StreamForgeError(ErrorCodes.NOT_FOUND, `user "${userId}" does not exist`);
    }
    const stale = Date.parse(user.updated_at) > Date.parse(origin.at);
    return { outcome: stale ? 'stale' : 'unchanged', user };
  }
}

function toUser(row: Row): StoredUser {
  return {
    user_id: row.user_id,
    username: row.username,
    email: row.email,
    full_name: row.full_name,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    version: Number(row.version),
  };
}

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
