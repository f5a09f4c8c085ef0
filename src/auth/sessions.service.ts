import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DomainError, ErrorCode } from '../common/errors.js';
import { LookupBatcher } from '../common/lookup-batcher.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { AuthSessionRow, UserRow } from '../database/schema.js';
import { RealtimePublisher, type RevocationNotice } from '../realtime/realtime.publisher.js';
import { toUserView, UsersService } from '../users/users.service.js';
import type { Actor } from './actor.js';
import { RECHECK_LOOKUP_LIMITS, recheckDeadline } from './recheck-deadline.js';
import type { AuthSessionView, SessionMeta, SessionView } from './sessions.views.js';
import { type SessionState, SessionsRepository } from './sessions.repository.js';
import { TokensService } from './tokens.service.js';

const CHECK_CACHE_SIZE = 20_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

// Sessions: a short access token (JWT) plus an opaque refresh token stored hashed, rotated on every use.
@Injectable()
export class SessionsService {
  // sessionId → the session and account as last read; at most SESSION_CHECK_INTERVAL_MS old, and dropped at once
  // when a revocation is announced (here or, through Redis, on another instance).
  private readonly checks = new Map<number, { state: SessionState | undefined; until: number }>();
  private readonly stateLookups = new LookupBatcher<number, SessionState | undefined>(
    (ids) => this.sessions.states(ids),
    RECHECK_LOOKUP_LIMITS,
  );

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly tokens: TokensService,
    private readonly users: UsersService,
    private readonly publisher: RealtimePublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    publisher.onRevocation((notice) => this.forget(notice));
  }

  async start(user: UserRow, meta: SessionMeta): Promise<SessionView> {
    const refreshToken = randomBytes(32).toString('base64url');
    const session = await this.sessions.create({
      userId: user.id,
      userAgent: meta.userAgent,
      ip: meta.ip,
      expiresAt: new Date(Date.now() + this.config.sessions.maxAgeSeconds * 1000),
      refreshTokenHash: hashToken(refreshToken),
    });
    return this.view(user, session, refreshToken);
  }

  async refresh(refreshToken: string, meta: SessionMeta): Promise<SessionView> {
    const next = randomBytes(32).toString('base64url');
    const result = await this.sessions.rotate(hashToken(refreshToken), hashToken(next), meta);
    if (result.kind === 'invalid') {
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'Invalid or expired refresh token: sign in again');
    }
    if (result.kind === 'reused') {
      // Someone holds a copy of an old token: end the whole family, the thief's copy and the owner's alike.
      await this.revokeSession(result.userId, result.sessionId);
      throw new DomainError(ErrorCode.TOKEN_REVOKED, 'This refresh token was already used; the session is revoked: sign in again');
    }
    const user = await this.users.findById(result.session.userId);
    if (!user?.isActive) {
      throw new DomainError(ErrorCode.TOKEN_REVOKED, 'This account is deactivated');
    }
    return this.view(user, result.session, next);
  }

  // A new access token for the session at hand (after a password change bumped the token version).
  async reissue(user: UserRow, sessionId: number): Promise<Pick<SessionView, 'accessToken' | 'tokenType' | 'expiresAt' | 'user'>> {
    const { token, expiresAt } = await this.tokens.issue(user, sessionId);
    return { accessToken: token, tokenType: 'Bearer', expiresAt: new Date(expiresAt * 1000).toISOString(), user: toUserView(user) };
  }

  async list(actor: Actor): Promise<AuthSessionView[]> {
    const rows = await this.sessions.listActive(actor.id);
    return rows.map((row) => ({
      id: row.id,
      device: describeDevice(row.userAgent),
      userAgent: row.userAgent,
      ip: row.ip,
      createdAt: row.createdAt.toISOString(),
      lastUsedAt: row.lastUsedAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      current: row.id === actor.sessionId,
    }));
  }

  async revokeSession(userId: number, sessionId: number): Promise<boolean> {
    const revoked = await this.sessions.revoke(userId, sessionId);
    this.publisher.revoke({ userId, sessionId });
    return revoked;
  }

  // Signing out with only the refresh token (a client whose access token already expired). Any token of the
  // family names the session; an unknown one is simply nothing to end.
  async revokeByRefreshToken(refreshToken: string): Promise<boolean> {
    const session = await this.sessions.findByRefreshHash(hashToken(refreshToken));
    return session ? this.revokeSession(session.userId, session.id) : false;
  }

  async revokeOwn(userId: number, sessionId: number): Promise<void> {
    if (!(await this.revokeSession(userId, sessionId))) {
      throw new DomainError(ErrorCode.NOT_FOUND, 'Session not found');
    }
  }

  // Every session of the account (but `exceptSessionId`); sockets of the revoked sessions are closed everywhere.
  async revokeAll(userId: number, options: { exceptSessionId?: number } = {}): Promise<void> {
    const revoked = await this.sessions.revokeAll(userId, options);
    if (options.exceptSessionId === undefined) {
      this.publisher.revoke({ userId });
      return;
    }
    for (const sessionId of revoked) {
      this.publisher.revoke({ userId, sessionId });
    }
  }

  // The account changed under its tokens (role, password, deactivation): every access token and socket of it stops.
  announceAccountChange(userId: number): void {
    this.publisher.revoke({ userId });
  }

  // The revocation check behind every authenticated request and socket event.
  async state(sessionId: number): Promise<SessionState | undefined> {
    const cached = this.checks.get(sessionId);
    if (cached && Date.now() < cached.until) {
      return cached.state;
    }
    const state = await this.stateLookups.ask(sessionId);
    if (this.checks.size >= CHECK_CACHE_SIZE) {
      const oldest = this.checks.keys().next().value;
      if (oldest !== undefined) {
        this.checks.delete(oldest);
      }
    }
    this.checks.delete(sessionId);
    this.checks.set(sessionId, { state, until: recheckDeadline(this.config.sessions.checkIntervalMs) });
    return state;
  }

  private forget(notice: RevocationNotice): void {
    if (notice.sessionId !== undefined) {
      this.checks.delete(notice.sessionId);
      return;
    }
    for (const [sessionId, entry] of this.checks) {
      if (entry.state === undefined || entry.state.userId === notice.userId) {
        this.checks.delete(sessionId);
      }
    }
  }

  private async view(user: UserRow, session: AuthSessionRow, refreshToken: string): Promise<SessionView> {
    const { token, expiresAt } = await this.tokens.issue(user, session.id);
    return {
      accessToken: token,
      tokenType: 'Bearer',
      expiresAt: new Date(expiresAt * 1000).toISOString(),
      refreshToken,
      refreshExpiresAt: session.expiresAt.toISOString(),
      sessionId: session.id,
      user: toUserView(user),
    };
  }
}

// "Firefox on Windows": enough to recognise one's own devices in the list.
function describeDevice(userAgent: string | null): string {
  if (!userAgent) {
    return 'Unknown device';
  }
  const browser =
    [
      ['Edg/', 'Edge'],
      ['OPR/', 'Opera'],
      ['Firefox/', 'Firefox'],
      ['Chrome/', 'Chrome'],
      ['Safari/', 'Safari'],
      ['curl/', 'curl'],
      ['node', 'Node.js'],
    ].find(([marker]) => marker !== undefined && userAgent.includes(marker))?.[1] ?? 'Browser';
  const os = [
    ['Windows', 'Windows'],
    ['Android', 'Android'],
    ['iPhone', 'iOS'],
    ['iPad', 'iOS'],
    ['Mac OS', 'macOS'],
    ['Linux', 'Linux'],
  ].find(([marker]) => marker !== undefined && userAgent.includes(marker))?.[1];
  return os ? `${browser} on ${os}` : browser;
}
