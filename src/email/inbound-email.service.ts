import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressObject, ParsedMail } from 'mailparser';
import { AttachmentsService } from '../attachments/attachments.service.js';
import type { Actor } from '../auth/actor.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { lazyImport } from '../common/lazy-import.js';
import { parseInput } from '../common/validation.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { MAX_ATTACHMENTS_PER_MESSAGE, type MessageView } from '../contract/messages.js';
import { toMessageView } from '../messages/message.records.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { MessagesService } from '../messages/messages.service.js';
import { ReadReceiptsService } from '../messages/read-receipts.service.js';
import { RateLimiter } from '../rate-limit/rate-limiter.service.js';
import { UsersService } from '../users/users.service.js';
import { EmailTokens, replyTokenOf, type ReplyTarget } from './email-tokens.js';
import { stripQuotedReply } from './quote-stripping.js';

// Loaded with the first mail received, not at start: most servers never receive any.
const loadMailParser = lazyImport(() => import('mailparser'));

// A UUID made from the mail's identity, so a mail delivered twice (SMTP retries, webhook retries, both
// routes) is one message: the send path answers a repeated clientMessageId with the first message.
function clientMessageIdOf(mailId: string, target: ReplyTarget): string {
  const hex = createHash('sha256').update(`${mailId}|${target.conversationId}|${target.userId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// Out-of-office and other automatic answers (RFC 3834 and the common non-standard headers) are not replies
// from a person: they are accepted and dropped, never appended to a conversation.
function isAutomatic(mail: ParsedMail): boolean {
  const header = (name: string) => {
    const value = mail.headers.get(name);
    return typeof value === 'string' ? value.toLowerCase() : value === undefined ? undefined : JSON.stringify(value).toLowerCase();
  };
  const autoSubmitted = header('auto-submitted');
  const precedence = header('precedence');
  return (
    (autoSubmitted !== undefined && !autoSubmitted.startsWith('no')) ||
    header('x-autoreply') !== undefined ||
    header('x-autorespond') !== undefined ||
    (precedence !== undefined && /bulk|junk|auto_reply|list/.test(precedence))
  );
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value.flatMap((entry) => (entry.address ? [entry.address] : [])));
}

function headerAddresses(mail: ParsedMail, name: string): string[] {
  const value = mail.headers.get(name);
  const text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : '';
  return text.match(/[^\s<>,;"]+@[^\s<>,;"]+/g) ?? [];
}

// Replies by email, from the SMTP listener or the inbound webhook: each mail to reply+<token>@INBOUND_DOMAIN
// is sent into the token's conversation as the token's user, through the same path as any other message.
@Injectable()
export class InboundEmailService {
  private readonly logger = new Logger(InboundEmailService.name);

  constructor(
    private readonly tokens: EmailTokens,
    private readonly users: UsersService,
    private readonly messages: MessagesService,
    private readonly storedMessages: MessagesRepository,
    private readonly readReceipts: ReadReceiptsService,
    private readonly attachments: AttachmentsService,
    private readonly rateLimiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get maxMailBytes(): number {
    return this.config.maxAttachmentBytes;
  }

  // The target of a reply address. Anything else, or a forged, altered or expired token, is refused.
  resolveAddress(address: string): ReplyTarget {
    const token = replyTokenOf(address, this.config.email.inboundDomain);
    const target = token === undefined ? undefined : this.tokens.verifyReplyToken(token);
    if (!target) {
      throw new DomainError(
        ErrorCode.FORBIDDEN,
        token === undefined ? `Not a reply address: ${address}` : 'The reply address is not valid (altered or expired)',
      );
    }
    return target;
  }

  // INBOUND_EMAIL_SECRET as a bearer token, as the password of Basic auth (https://any:secret@host/… in the
  // provider's settings), or in an X-Inbound-Email-Secret header.
  // The route does not exist without INBOUND_EMAIL_SECRET.
  requireInboundSecret(headers: Record<string, string | string[] | undefined>): void {
    const secret = this.config.email.inboundSecret;
    if (!secret) {
      throw new DomainError(ErrorCode.NOT_FOUND, 'Inbound email is not configured (INBOUND_EMAIL_SECRET)');
    }
    if (!this.isInboundSecret(secret, headers)) {
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'Inbound email needs INBOUND_EMAIL_SECRET (Authorization: Bearer <secret>)');
    }
  }

  private isInboundSecret(secret: string, headers: Record<string, string | string[] | undefined>): boolean {
    const authorization = typeof headers.authorization === 'string' ? headers.authorization : '';
    const header = headers['x-inbound-email-secret'];
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    const basic = /^Basic\s+(\S+)\s*$/i.exec(authorization)?.[1];
    const basicPassword = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
    const given = [bearer, basicPassword, typeof header === 'string' ? header : undefined];
    const expected = createHash('sha256').update(secret).digest();
    return given.some((value) => value !== undefined && timingSafeEqual(createHash('sha256').update(value).digest(), expected));
  }

  // envelopeRecipients: the SMTP RCPT TO addresses, already checked; without them (the webhook) the reply
  // address is taken from the mail's headers.
  async receive(raw: Buffer, envelopeRecipients?: string[]): Promise<MessageView[]> {
    if (raw.length > this.maxMailBytes) {
      throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, `Mails are limited to ${this.maxMailBytes} bytes`);
    }
    if (raw.length === 0) {
      throw new DomainError(ErrorCode.VALIDATION, 'The body must be a raw RFC 822 mail');
    }
    const { simpleParser } = await loadMailParser();
    let mail: ParsedMail;
    try {
      mail = await simpleParser(raw, { skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
    } catch {
      throw new DomainError(ErrorCode.VALIDATION, 'The body is not a readable RFC 822 mail');
    }
    const targets = this.targetsOf(mail, envelopeRecipients);
    if (isAutomatic(mail)) {
      this.logger.log(`automatic reply to ${targets.length} reply address(es) dropped`);
      return [];
    }
    const mailId = mail.messageId ?? createHash('sha256').update(raw).digest('hex');
    const stored: MessageView[] = [];
    for (const target of targets) {
      stored.push(await this.append(target, mail, mailId));
    }
    return stored;
  }

  private targetsOf(mail: ParsedMail, envelopeRecipients: string[] | undefined): ReplyTarget[] {
    const candidates = envelopeRecipients ?? [
      ...addressesOf(mail.to),
      ...addressesOf(mail.cc),
      ...headerAddresses(mail, 'delivered-to'),
      ...headerAddresses(mail, 'x-original-to'),
    ];
    const replyAddresses = [
      ...new Set(candidates.filter((address) => replyTokenOf(address, this.config.email.inboundDomain) !== undefined)),
    ];
    if (replyAddresses.length === 0) {
      throw new DomainError(
        ErrorCode.VALIDATION,
        `No reply address: the mail must be sent to reply+<token>@${this.config.email.inboundDomain ?? '<INBOUND_DOMAIN>'}`,
      );
    }
    const seen = new Set<string>();
    return replyAddresses
      .map((address) => this.resolveAddress(address))
      .filter((target) => {
        const key = `${target.conversationId}:${target.userId}`;
        return !seen.has(key) && Boolean(seen.add(key));
      });
  }

  private async append(target: ReplyTarget, mail: ParsedMail, mailId: string): Promise<MessageView> {
    const user = await this.users.findById(target.userId);
    if (!user) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'The reply address is not valid (its account is gone)');
    }
    const actor: Actor = { id: user.id, role: user.role, email: user.email, name: user.name, expiresAt: Number.MAX_SAFE_INTEGER };
    const clientMessageId = clientMessageIdOf(mailId, target);
    // The same mail again (a retried delivery): answered with the stored message, its files not stored twice.
    const already = await this.storedMessages.findByClientMessageId(actor.id, clientMessageId);
    if (already) {
      return toMessageView(already);
    }
    await this.rateLimiter.consume(
      { name: 'inbound email', limit: this.config.email.inboundPerMinute, windowMs: 60_000 },
      `conversation:${target.conversationId}`,
    );
    const content = [...stripQuotedReply(mail.text ?? '')].slice(0, this.config.maxMessageLength).join('');
    const attachmentIds = await this.storeAttachments(actor, mail);
    const input = parseInput(
      this.messages.sendSchema,
      { conversationId: target.conversationId, content, clientMessageId, attachmentIds },
      'email reply',
    );
    let message: MessageView;
    try {
      message = await this.messages.send(actor, input, 'rest');
    } catch (error) {
      // The conversation was closed and the user has since started another: the reply goes there.
      if (error instanceof DomainError && error.code === ErrorCode.CONFLICT && actor.role === 'USER') {
        message = await this.messages.send(actor, { ...input, conversationId: undefined }, 'rest');
      } else {
        throw error;
      }
    }
    // Answering the email means its messages were seen: no further email about them.
    await this.readReceipts.markRead(actor, message.conversationId).catch((error: unknown) => {
      this.logger.warn(`marking read after an email reply failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    return message;
  }

  // Files a message could carry (type and size as for uploads); others are left out, the text still arrives.
  private async storeAttachments(actor: Actor, mail: ParsedMail): Promise<string[]> {
    const ids: string[] = [];
    for (const attachment of mail.attachments) {
      if (ids.length >= MAX_ATTACHMENTS_PER_MESSAGE) {
        break;
      }
      try {
        const view = await this.attachments.storeFile(actor, attachment.filename ?? 'attachment', attachment.content);
        ids.push(view.id);
      } catch (error) {
        if (!(error instanceof DomainError)) {
          throw error;
        }
        this.logger.log(`email attachment ${attachment.filename ?? '(unnamed)'} left out: ${error.message}`);
      }
    }
    return ids;
  }
}
