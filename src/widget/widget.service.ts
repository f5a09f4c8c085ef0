import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader } from 'jose';
import type { Actor } from '../auth/actor.js';
import { AuthService } from '../auth/auth.service.js';
import { SessionsService } from '../auth/sessions.service.js';
import type { SessionMeta } from '../auth/sessions.views.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import {
  MAX_WIDGET_ATTRIBUTES,
  type WidgetAttributes,
  type WidgetConfigView,
  type WidgetContactUpdate,
  type WidgetContactFlags,
  type WidgetContactView,
  type WidgetSessionInput,
  type WidgetSessionView,
} from '../contract/widget.js';
import type { UserRow, WidgetContactRow } from '../database/schema.js';
import { UsersService } from '../users/users.service.js';
import {
  describeBrowser,
  hasRealEmail,
  isValidUserHash,
  isVisitorExternalId,
  VISITOR_EMAIL_DOMAIN,
  WIDGET_USER_PREFIX,
  WIDGET_VISITOR_PREFIX,
} from './widget-identity.js';
import { WidgetRepository } from './widget.repository.js';

const EARLIER_CONVERSATIONS = 20;

@Injectable()
export class WidgetService {
  constructor(
    private readonly widget: WidgetRepository,
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  publicConfig(origin: string | undefined, ownOrigin: string): WidgetConfigView {
    // Browsers send Origin on every cross-origin fetch; none means a same-origin page (the demo) or no browser at all.
    const originAllowed = origin === undefined || origin === ownOrigin || this.config.widget.origins.includes(origin);
    return { originAllowed, origin: origin ?? null, allowAnonymous: this.config.widget.allowAnonymous };
  }

  // The page at /widget/ may be framed by the listed origins only (and by the chat's own demo page, when served).
  frameAncestors(withDemo: boolean): string {
    const sources = [...this.config.widget.origins, ...(withDemo ? ["'self'"] : [])];
    return sources.length > 0 ? sources.join(' ') : "'none'";
  }

  // Every identity is checked before anything is written: a refused one creates nothing.
  async session(input: WidgetSessionInput, meta: SessionMeta): Promise<WidgetSessionView> {
    const { user, emailVerified } = await this.identify(input);
    if (user.role !== 'USER') {
      throw new DomainError(ErrorCode.FORBIDDEN, 'The widget is for users; admins sign in to the inbox');
    }
    const contact = await this.widget.saveContact(user.id, {
      emailVerified,
      attributes: input.attributes,
      pageUrl: input.pageUrl,
      browser: describeBrowser(meta.userAgent ?? undefined),
      timeZone: input.timeZone,
    });
    // A session like a sign-in's (listed and revocable on the account's sessions); the iframe exchanges the identity
    // again on every page load rather than keeping its refresh token.
    const session = await this.sessions.start(user, meta);
    return { ...session, contact: this.contactFlags(user, contact) };
  }

  async updateContact(actor: Actor, input: WidgetContactUpdate): Promise<WidgetContactFlags> {
    const user = await this.widget.findUser(actor.id);
    // Widget users, visitors and host-token users (the widget's `token` option); never a local password account.
    if (!user || user.externalId === null) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only widget sessions have a contact to update');
    }
    // A verified email came with the user hash; only a visitor's own, unverified one may be typed in.
    if (input.email !== undefined && !isVisitorExternalId(user.externalId)) {
      throw new DomainError(ErrorCode.FORBIDDEN, "A verified user's email comes from the product, not from the widget");
    }
    const existing = await this.widget.findContact(user.id);
    let attributes: WidgetAttributes | undefined;
    if (input.attributes !== undefined) {
      attributes = { ...(existing?.attributes ?? {}), ...input.attributes };
      if (Object.keys(attributes).length > MAX_WIDGET_ATTRIBUTES) {
        throw new DomainError(ErrorCode.VALIDATION, `A contact has at most ${MAX_WIDGET_ATTRIBUTES} attributes`, {
          issues: [{ path: 'attributes', message: `must have at most ${MAX_WIDGET_ATTRIBUTES} keys in all` }],
        });
      }
    }
    if (input.email !== undefined) {
      await this.widget.setUserEmail(user.id, input.email);
    }
    const contact = await this.widget.saveContact(user.id, {
      attributes,
      pageUrl: input.pageUrl,
      emailVerified: input.email !== undefined ? false : undefined,
    });
    return this.contactFlags({ ...user, email: input.email ?? user.email }, contact);
  }

  async contact(userId: number): Promise<WidgetContactView> {
    const user = await this.widget.findUser(userId);
    if (!user) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'No such user');
    }
    const [contact, conversations] = await Promise.all([
      this.widget.findContact(userId),
      this.widget.recentConversations(userId, EARLIER_CONVERSATIONS),
    ]);
    const isVisitor = isVisitorExternalId(user.externalId);
    return {
      userId: user.id,
      name: user.name,
      email: hasRealEmail(user.email) ? user.email : '',
      hasEmail: hasRealEmail(user.email),
      emailVerified: contact?.emailVerified ?? (user.passwordHash !== null || user.externalId !== null),
      externalId: user.externalId?.startsWith(WIDGET_USER_PREFIX) ? user.externalId.slice(WIDGET_USER_PREFIX.length) : user.externalId,
      isVisitor,
      attributes: contact?.attributes ?? {},
      pageUrl: contact?.pageUrl ?? null,
      browser: contact?.browser ?? null,
      timeZone: contact?.timeZone ?? null,
      updatedAt: (contact?.updatedAt ?? user.createdAt).toISOString(),
      conversations: conversations.map((row) => ({
        id: row.id,
        status: row.status,
        lastMessageAt: row.lastMessageAt.toISOString(),
        createdAt: row.createdAt.toISOString(),
      })),
    };
  }

  private async identify(input: WidgetSessionInput): Promise<{ user: UserRow; emailVerified?: boolean }> {
    if (input.token !== undefined) {
      // A chat token (HS256) is refused: exchanging it would let a token renew itself forever.
      if (!this.isHostToken(input.token)) {
        throw new DomainError(ErrorCode.UNAUTHORIZED, 'The widget accepts host-app tokens, not chat tokens');
      }
      // A host-app JWT, verified exactly as on every other route (AuthService creates its account).
      const actor = await this.auth.authenticate(input.token);
      const user = await this.users.findById(actor.id);
      if (!user || user.externalId === null) {
        throw new DomainError(ErrorCode.UNAUTHORIZED, 'The widget accepts host-app tokens, not chat tokens');
      }
      return { user, emailVerified: true };
    }
    if (input.id !== undefined) {
      const secret = this.config.widget.secret;
      if (secret === undefined || !isValidUserHash(secret, input.id, input.hash)) {
        throw new DomainError(ErrorCode.UNAUTHORIZED, input.hash === undefined ? 'Missing user hash' : 'Invalid user hash');
      }
      const user = await this.widget.upsertUser({
        externalId: `${WIDGET_USER_PREFIX}${input.id}`,
        email: input.email,
        name: input.name,
        fallbackEmail: `${randomBytes(8).toString('hex')}@${VISITOR_EMAIL_DOMAIN}`,
        fallbackName: input.email?.split('@')[0] ?? `User ${input.id}`.slice(0, 100),
      });
      // Without an email the earlier verified one (if any) stays verified.
      return { user, emailVerified: input.email !== undefined ? true : undefined };
    }
    if (input.visitorId !== undefined) {
      if (!this.config.widget.allowAnonymous) {
        throw new DomainError(ErrorCode.UNAUTHORIZED, 'This chat does not accept anonymous visitors (WIDGET_ALLOW_ANONYMOUS)');
      }
      const user = await this.widget.upsertUser({
        externalId: `${WIDGET_VISITOR_PREFIX}${input.visitorId}`,
        fallbackEmail: `${input.visitorId}@${VISITOR_EMAIL_DOMAIN}`,
        fallbackName: `Visitor ${input.visitorId.slice(0, 4)}`,
      });
      return { user };
    }
    throw new DomainError(ErrorCode.UNAUTHORIZED, 'Missing identity: give id and hash, a host-app token, or a visitor id');
  }

  private isHostToken(token: string): boolean {
    try {
      const algorithm = decodeProtectedHeader(token).alg;
      return algorithm === 'RS256' || algorithm === 'ES256';
    } catch {
      return false;
    }
  }

  private contactFlags(user: UserRow, contact: WidgetContactRow): WidgetContactFlags {
    return { isVisitor: isVisitorExternalId(user.externalId), hasEmail: hasRealEmail(user.email), emailVerified: contact.emailVerified };
  }
}
