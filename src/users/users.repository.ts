import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, ilike, or, sql, type SQL } from 'drizzle-orm';
import { DATABASE, type Database } from '../database/database.js';
import { isUniqueViolation } from '../database/database-errors.js';
import { escapeLike, intArrayLiteral, preparedRows } from '../database/raw-rows.js';
import { users, type Role, type UserRow } from '../database/schema.js';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string | null;
  externalId?: string;
}

export class EmailTakenError extends Error {}

// What a recheck of a token without a session (a host-app account) reads: the account as it is now.
export interface AccountState {
  role: Role;
  email: string;
  name: string;
  isActive: boolean;
}

interface AccountStateRow {
  role: Role | null;
  email: string | null;
  name: string | null;
  is_active: boolean | null;
}

@Injectable()
export class UsersRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async findById(id: number): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return row;
  }

  // The state of each account asked for, in the order asked (undefined where there is none): one statement for
  // the rechecks of many sockets at once.
  async accountStates(ids: number[]): Promise<(AccountState | undefined)[]> {
    const rows = await preparedRows<AccountStateRow>(
      this.db,
      sql`select u.role, u.email, u.name, u.is_active
            from unnest(${intArrayLiteral(ids)}::int[]) with ordinality as k(id, ord)
            left join users u on u.id = k.id
           order by k.ord`,
    );
    return rows.map((row) =>
      row.role === null
        ? undefined
        : { role: row.role, email: row.email as string, name: row.name as string, isActive: row.is_active === true },
    );
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await this.db
      .select()
      .from(users)
      // Widget users share emails with local accounts (they are keyed by external id): never found by email.
      .where(
        sql`lower(${users.email}) = lower(${email}) and (${users.externalId} is null or not (${users.externalId} like 'widget|%' or ${users.externalId} like 'widget-visitor|%'))`,
      )
      .limit(1);
    return row;
  }

  async count(): Promise<number> {
    const [row] = await this.db.select({ count: sql<number>`count(*)::int` }).from(users);
    return row?.count ?? 0;
  }

  async insert(user: NewUser): Promise<UserRow> {
    try {
      const [row] = await this.db.insert(users).values(user).returning();
      if (!row) {
        throw new Error('insert returned no row');
      }
      return row;
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_lower_key')) {
        throw new EmailTakenError(user.email);
      }
      throw error;
    }
  }

  // Host-app users: found by their external id, created on first sight, kept in step with the token's claims.
  async upsertExternal(user: NewUser & { externalId: string }): Promise<UserRow> {
    try {
      const [row] = await this.db
        .insert(users)
        .values(user)
        .onConflictDoUpdate({
          target: users.externalId,
          set: { email: user.email, name: user.name, role: user.role },
        })
        .returning();
      if (!row) {
        throw new Error('upsert returned no row');
      }
      return row;
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_lower_key')) {
        throw new EmailTakenError(user.email);
      }
      throw error;
    }
  }

  // bumpTokenVersion: every access token issued before stops working (checked per session, cached briefly).
  async update(
    id: number,
    changes: { role?: Role; name?: string; isActive?: boolean; passwordHash?: string },
    options: { bumpTokenVersion: boolean },
  ): Promise<UserRow | undefined> {
    const [row] = await this.db
      .update(users)
      .set({ ...changes, ...(options.bumpTokenVersion ? { tokenVersion: sql`${users.tokenVersion} + 1` } : {}) })
      .where(eq(users.id, id))
      .returning();
    return row;
  }

  async countActiveAdmins(): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(users)
      .where(and(eq(users.role, 'ADMIN'), eq(users.isActive, true)));
    return row?.count ?? 0;
  }

  async list(filter: { query?: string; role?: Role; afterId?: number; limit: number }): Promise<UserRow[]> {
    const conditions: SQL[] = [];
    if (filter.query) {
      const pattern = `%${escapeLike(filter.query)}%`;
      const match = or(ilike(users.email, pattern), ilike(users.name, pattern));
      if (match) {
        conditions.push(match);
      }
    }
    if (filter.role) {
      conditions.push(eq(users.role, filter.role));
    }
    if (filter.afterId !== undefined) {
      conditions.push(gt(users.id, filter.afterId));
    }
    return this.db
      .select()
      .from(users)
      .where(and(...conditions))
      .orderBy(asc(users.id))
      .limit(filter.limit);
  }
}
