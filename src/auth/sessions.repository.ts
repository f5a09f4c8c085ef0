import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { DATABASE, type Database } from '../database/database.js';
import { epochMs, intArrayLiteral, preparedRows } from '../database/raw-rows.js';
import { authSessions, type AuthSessionRow, refreshTokens, type Role } from '../database/schema.js';

export interface NewSession {
  userId: number;
  userAgent: string | null;
  ip: string | null;
  expiresAt: Date;
  refreshTokenHash: string;
}

// What an access-token check needs, in one row: the session and its account as they are now.
export interface SessionState {
  sessionId: number;
  userId: number;
  isRevoked: boolean;
  expiresAt: Date;
  user: { role: Role; email: string; name: string; isActive: boolean; tokenVersion: number };
}

interface SessionStateRow {
  session_id: number | null;
  user_id: number | null;
  is_revoked: boolean | null;
  expires_at: number | null;
  role: Role | null;
  email: string | null;
  name: string | null;
  is_active: boolean | null;
  token_version: number | null;
}

export type RotateResult =
  { kind: 'rotated'; session: AuthSessionRow } | { kind: 'reused'; sessionId: number; userId: number } | { kind: 'invalid' };

@Injectable()
export class SessionsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async create(session: NewSession): Promise<AuthSessionRow> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(authSessions)
        .values({ userId: session.userId, userAgent: session.userAgent, ip: session.ip, expiresAt: session.expiresAt })
        .returning();
      if (!row) {
        throw new Error('insert returned no session');
      }
      await tx.insert(refreshTokens).values({ tokenHash: session.refreshTokenHash, sessionId: row.id });
      return row;
    });
  }

  // One use per refresh token: the token row is locked, so two concurrent uses cannot both rotate it. A token
  // that was already used is a replay (the OAuth 2.0 security BCP's reuse detection): the caller revokes the family.
  async rotate(oldHash: string, newHash: string, meta: { ip: string | null; userAgent: string | null }): Promise<RotateResult> {
    return this.db.transaction(async (tx) => {
      const [token] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, oldHash)).for('update').limit(1);
      if (!token) {
        return { kind: 'invalid' } as const;
      }
      const [session] = await tx.select().from(authSessions).where(eq(authSessions.id, token.sessionId)).limit(1);
      if (!session) {
        return { kind: 'invalid' } as const;
      }
      if (token.usedAt !== null) {
        return { kind: 'reused', sessionId: session.id, userId: session.userId } as const;
      }
      if (session.revokedAt !== null || session.expiresAt.getTime() <= Date.now()) {
        return { kind: 'invalid' } as const;
      }
      await tx.update(refreshTokens).set({ usedAt: new Date() }).where(eq(refreshTokens.tokenHash, oldHash));
      await tx.insert(refreshTokens).values({ tokenHash: newHash, sessionId: session.id });
      const [updated] = await tx
        .update(authSessions)
        .set({ lastUsedAt: new Date(), ip: meta.ip ?? session.ip, userAgent: meta.userAgent ?? session.userAgent })
        .where(eq(authSessions.id, session.id))
        .returning();
      return { kind: 'rotated', session: updated ?? session } as const;
    });
  }

  async findByRefreshHash(hash: string): Promise<AuthSessionRow | undefined> {
    const [row] = await this.db
      .select({ session: authSessions })
      .from(refreshTokens)
      .innerJoin(authSessions, eq(authSessions.id, refreshTokens.sessionId))
      .where(eq(refreshTokens.tokenHash, hash))
      .limit(1);
    return row?.session;
  }

  // The state of each session asked for, in the order asked (undefined where there is none): one statement for
  // the rechecks of many sockets at once.
  async states(sessionIds: number[]): Promise<(SessionState | undefined)[]> {
    const rows = await preparedRows<SessionStateRow>(
      this.db,
      sql`select s.id as session_id, s.user_id, s.revoked_at is not null as is_revoked, ${epochMs('s.expires_at')} as expires_at,
                 u.role, u.email, u.name, u.is_active, u.token_version
            from unnest(${intArrayLiteral(sessionIds)}::int[]) with ordinality as k(id, ord)
            left join auth_session s on s.id = k.id
            left join users u on u.id = s.user_id
           order by k.ord`,
    );
    return rows.map((row) =>
      row.session_id === null || row.role === null
        ? undefined
        : {
            sessionId: row.session_id,
            userId: row.user_id as number,
            isRevoked: row.is_revoked === true,
            expiresAt: new Date(row.expires_at as number),
            user: {
              role: row.role,
              email: row.email as string,
              name: row.name as string,
              isActive: row.is_active === true,
              tokenVersion: row.token_version as number,
            },
          },
    );
  }

  async listActive(userId: number): Promise<AuthSessionRow[]> {
    return this.db
      .select()
      .from(authSessions)
      .where(and(eq(authSessions.userId, userId), isNull(authSessions.revokedAt), gt(authSessions.expiresAt, sql`now()`)))
      .orderBy(desc(authSessions.lastUsedAt), desc(authSessions.id))
      .limit(200);
  }

  // Returns whether a live session of this user was revoked ("not yours" and "missing" look the same).
  async revoke(userId: number, sessionId: number): Promise<boolean> {
    const rows = await this.db
      .update(authSessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(authSessions.id, sessionId), eq(authSessions.userId, userId), isNull(authSessions.revokedAt)))
      .returning({ id: authSessions.id });
    return rows.length > 0;
  }

  async revokeAll(userId: number, options: { exceptSessionId?: number } = {}): Promise<number[]> {
    const conditions = [eq(authSessions.userId, userId), isNull(authSessions.revokedAt)];
    if (options.exceptSessionId !== undefined) {
      conditions.push(ne(authSessions.id, options.exceptSessionId));
    }
    const rows = await this.db
      .update(authSessions)
      .set({ revokedAt: new Date() })
      .where(and(...conditions))
      .returning({ id: authSessions.id });
    return rows.map((row) => row.id);
  }
}
