import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { LookupBatcher } from '../common/lookup-batcher.js';
import { MAX_ATTACHMENTS_PER_MESSAGE } from '../contract/messages.js';
import { RateLimiter } from '../rate-limit/rate-limiter.service.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { toUserView, UsersService } from '../users/users.service.js';
import type { Actor } from './actor.js';
import type { LoginInput, PublicOptions, RegisterInput } from '../contract/auth.js';
import { checkPassword, dummyPasswordHash, hashPassword } from '../users/passwords.js';
import { LoginThrottle } from './login-throttle.js';
import { RECHECK_LOOKUP_LIMITS, recheckDeadline } from './recheck-deadline.js';
import { SessionsService } from './sessions.service.js';
import type { SessionMeta, SessionView } from './sessions.views.js';
import { TokensService } from './tokens.service.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly rateLimiter: RateLimiter,
    private readonly loginThrottle: LoginThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    publisher: RealtimePublisher,
  ) {
    publisher.onRevocation((notice) => this.hostChecks.delete(notice.userId));
  }

  // Host-app accounts as last read (undefined: deactivated or gone), so a socket's event needs no account row.
  private readonly hostChecks = new Map<number, { account?: Pick<Actor, 'role' | 'email' | 'name'>; until: number }>();
  private readonly hostAccountLookups = new LookupBatcher((ids: number[]) => this.users.accountStates(ids), RECHECK_LOOKUP_LIMITS);

  async login(input: LoginInput, meta: SessionMeta): Promise<SessionView> {
    const email = input.email.toLowerCase();
    await this.loginThrottle.beforeAttempt(meta.ip ?? 'unknown', email);
    const user = await this.users.findByEmail(email);
    // Same work and same answer whether or not the email exists, and for deactivated accounts.
    const check = await checkPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !user.passwordHash || !check.isValid || !user.isActive) {
      await this.loginThrottle.failed(email);
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'Invalid email or password');
    }
    await this.loginThrottle.succeeded(email);
    if (check.needsRehash) {
      // The password is at hand only now: store it with today's scrypt cost (no token version change).
      await this.users.update(user.id, { passwordHash: await hashPassword(input.password) }, { bumpTokenVersion: false });
    }
    return this.sessions.start(user, meta);
  }

  async register(input: RegisterInput, meta: SessionMeta): Promise<SessionView> {
    if (!this.config.auth.allowRegistration) {
      throw new DomainError(ErrorCode.REGISTRATION_CLOSED, 'Registration is turned off on this server');
    }
    await this.rateLimiter.consume({ name: 'register', limit: this.config.auth.registerPerMinute, windowMs: 60_000 }, meta.ip ?? 'unknown');
    const user = await this.users.create({ ...input, role: 'USER' });
    return this.sessions.start(user, meta);
  }

  refresh(refreshToken: string | undefined, meta: SessionMeta): Promise<SessionView> {
    if (!refreshToken) {
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'No refresh token: send {refreshToken} or the session cookie');
    }
    return this.sessions.refresh(refreshToken, meta);
  }

  // POST /auth/logout: the session of the bearer token, or else the one the refresh token belongs to.
  async logout(accessToken: string | undefined, refreshToken: string | undefined): Promise<void> {
    if (accessToken) {
      try {
        const actor = await this.authenticate(accessToken);
        if (actor.sessionId !== undefined) {
          await this.sessions.revokeSession(actor.id, actor.sessionId);
        }
        return;
      } catch (error) {
        // An expired or already revoked access token: the refresh token may still name the session.
        if (!(error instanceof DomainError) || refreshToken === undefined) {
          throw error;
        }
      }
    }
    if (!refreshToken) {
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'Send the access token (Authorization: Bearer) or {refreshToken}');
    }
    await this.sessions.revokeByRefreshToken(refreshToken);
  }

  publicOptions(): PublicOptions {
    return {
      registration: this.config.auth.allowRegistration,
      maxMessageLength: this.config.maxMessageLength,
      maxAttachmentBytes: this.config.maxAttachmentBytes,
      maxAttachmentsPerMessage: MAX_ATTACHMENTS_PER_MESSAGE,
      hostAppTokens: this.config.auth.hostApp !== undefined,
    };
  }

  // The single place a bearer token becomes an actor, for HTTP and sockets alike. Own tokens are checked against
  // their session and the account's token version (cached at most SESSION_CHECK_INTERVAL_MS), and the role, name
  // and email come from the account as it is now, not from the token.
  async authenticate(token: string): Promise<Actor & { tokenVersion?: number }> {
    const verified = await this.tokens.verify(token);
    if (verified.kind === 'own') {
      return this.recheck({ id: verified.userId, sessionId: verified.sessionId, expiresAt: verified.exp }, verified.tokenVersion);
    }
    const user = await this.users.upsertExternal(verified);
    if (!user.isActive) {
      throw new DomainError(ErrorCode.TOKEN_REVOKED, 'This account is deactivated');
    }
    this.hostChecks.set(user.id, {
      account: { role: user.role, email: user.email, name: user.name },
      until: recheckDeadline(this.config.sessions.checkIntervalMs),
    });
    return { id: user.id, role: user.role, email: user.email, name: user.name, expiresAt: verified.exp };
  }

  // Is the actor's token still good? tokenVersion: the version an own token carries. The role, name and email
  // returned are the account's as it is now.
  async recheck(
    actor: Pick<Actor, 'id' | 'sessionId' | 'expiresAt'> & { role?: Actor['role'] },
    tokenVersion?: number,
  ): Promise<Actor & { tokenVersion?: number }> {
    if (actor.sessionId === undefined && actor.role !== undefined) {
      // Host-app accounts have no session: their account row decides (deactivation), cached the same way.
      let check = this.hostChecks.get(actor.id);
      if (!check || Date.now() >= check.until) {
        const user = await this.hostAccountLookups.ask(actor.id);
        check = {
          account: user?.isActive ? { role: user.role, email: user.email, name: user.name } : undefined,
          until: recheckDeadline(this.config.sessions.checkIntervalMs),
        };
        this.hostChecks.set(actor.id, check);
      }
      if (!check.account) {
        throw new DomainError(ErrorCode.TOKEN_REVOKED, 'This account is deactivated');
      }
      return { id: actor.id, expiresAt: actor.expiresAt, ...check.account };
    }
    if (actor.sessionId === undefined) {
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'Invalid token');
    }
    const state = await this.sessions.state(actor.sessionId);
    const isValid =
      state !== undefined &&
      state.userId === actor.id &&
      !state.isRevoked &&
      state.expiresAt.getTime() > Date.now() &&
      state.user.isActive &&
      (tokenVersion === undefined || state.user.tokenVersion === tokenVersion);
    if (!state || !isValid) {
      throw new DomainError(ErrorCode.TOKEN_REVOKED, 'This token was revoked: refresh the session or sign in again');
    }
    return {
      id: actor.id,
      role: state.user.role,
      email: state.user.email,
      name: state.user.name,
      expiresAt: actor.expiresAt,
      sessionId: actor.sessionId,
      tokenVersion: state.user.tokenVersion,
    };
  }

  async me(actor: Actor) {
    const user = await this.users.findById(actor.id);
    if (!user) {
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'This account no longer exists');
    }
    return toUserView(user);
  }

  async changePassword(actor: Actor, currentPassword: string, newPassword: string) {
    const user = await this.users.findById(actor.id);
    if (!user?.passwordHash) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'This account signs in through the product it belongs to: change the password there');
    }
    await this.rateLimiter.consume({ name: 'password-change', limit: 10, windowMs: 60_000 }, String(actor.id));
    if (!(await checkPassword(currentPassword, user.passwordHash)).isValid) {
      throw new DomainError(ErrorCode.VALIDATION, 'The current password is wrong', {
        issues: [{ path: 'currentPassword', message: 'is wrong' }],
      });
    }
    const updated = await this.users.update(user.id, { passwordHash: await hashPassword(newPassword) }, { bumpTokenVersion: true });
    if (!updated) {
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'This account no longer exists');
    }
    // Other devices are signed out; this one continues with a new access token (the old one carries the old version).
    await this.sessions.revokeAll(user.id, { exceptSessionId: actor.sessionId });
    this.sessions.announceAccountChange(user.id);
    return actor.sessionId !== undefined ? this.sessions.reissue(updated, actor.sessionId) : { user: toUserView(updated) };
  }
}
