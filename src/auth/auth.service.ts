import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import type { UserRow } from '../database/schema.js';
import { MAX_ATTACHMENTS_PER_MESSAGE } from '../contract/messages.js';
import { RateLimiter } from '../rate-limit/rate-limiter.service.js';
import { toUserView, UsersService } from '../users/users.service.js';
import type { Actor } from './actor.js';
import type { LoginInput, RegisterInput, SessionView } from '../contract/auth.js';
import type { PublicOptions } from '../contract/auth.js';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../users/passwords.js';
import { TokensService } from './tokens.service.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
    private readonly rateLimiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(input: LoginInput, clientIp: string): Promise<SessionView> {
    await this.rateLimiter.consume(
      { name: 'login', limit: this.config.auth.loginPerMinute, windowMs: 60_000 },
      `${clientIp}|${input.email.toLowerCase()}`,
    );
    const user = await this.users.findByEmail(input.email.toLowerCase());
    // Same work and same answer whether or not the email exists.
    const isValid = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!user || !user.passwordHash || !isValid) {
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'Invalid email or password');
    }
    return this.sessionFor(user);
  }

  async register(input: RegisterInput, clientIp: string): Promise<SessionView> {
    if (!this.config.auth.allowRegistration) {
      throw new DomainError(ErrorCode.REGISTRATION_CLOSED, 'Registration is turned off on this server');
    }
    await this.rateLimiter.consume({ name: 'register', limit: this.config.auth.registerPerMinute, windowMs: 60_000 }, clientIp);
    const user = await this.users.create({ ...input, role: 'USER' });
    return this.sessionFor(user);
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

  async sessionFor(user: UserRow): Promise<SessionView> {
    const { token, expiresAt } = await this.tokens.issue(user);
    return { accessToken: token, tokenType: 'Bearer', expiresAt: new Date(expiresAt * 1000).toISOString(), user: toUserView(user) };
  }

  // The single place a bearer token becomes an actor, for HTTP and sockets alike.
  async authenticate(token: string): Promise<Actor> {
    const verified = await this.tokens.verify(token);
    if (verified.kind === 'own') {
      return { id: verified.userId, role: verified.role, email: verified.email, name: verified.name, expiresAt: verified.exp };
    }
    const user = await this.users.upsertExternal(verified);
    return { id: user.id, role: user.role, email: user.email, name: user.name, expiresAt: verified.exp };
  }

  async me(actor: Actor) {
    const user = await this.users.findById(actor.id);
    if (!user) {
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'This account no longer exists');
    }
    return toUserView(user);
  }
}
