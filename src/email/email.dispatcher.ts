import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type EmailConfig } from '../config/config.js';
import { Counter } from 'prom-client';
import { DomainEvents } from '../events/domain-events.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { PresenceService } from '../presence/presence.service.js';
import { continueConversationUrl } from './continue-link.js';
import { emailRetryDelayMs } from './email-backoff.js';
import { type NotificationContent, renderNotification } from './email-templates.js';
import { EmailTokens } from './email-tokens.js';
import { type ClaimDecision, EmailNotificationsRepository, type NotificationCandidate } from './email-notifications.repository.js';
import { MAIL_SENDER, type MailSender } from './mail-sender.js';

const BATCH_SIZE = 20;
// Longer than a batch of slow SMTP sessions: a leased email is not claimed again while it is being sent.
const LEASE_MS = 120_000;
// Messages older than this are not emailed (a deployment that was down for days does not send old news).
const LOOKBACK_MS = 3 * 86_400_000;
const MAX_ATTEMPTS = 8;
const PURGE_EVERY_MS = 3_600_000;
const ERROR_LOG_EVERY_MS = 60_000;
const EMAIL_SHAPE = /^[^\s@<>]+@[^\s@<>]+$/;

// Sends the notification emails. Nothing is queued in memory: what is due is derived from the message rows
// (unread, not private, newer than the recipient's cursor, older than EMAIL_NOTIFY_DELAY_MS), so a restart
// loses nothing and reading a message cancels its email by construction. Every instance runs one; rows are
// claimed with skip locked and leased, so an email is sent by one instance only.
@Injectable()
export class EmailDispatcher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EmailDispatcher.name);
  private timer?: NodeJS.Timeout;
  private timerAt = Number.POSITIVE_INFINITY;
  private pass?: Promise<void>;
  private wantedAt?: number;
  private isStopping = false;
  private lastPurgeAt = 0;
  private lastErrorLogAt = 0;
  private readonly email: EmailConfig;
  private readonly pollMs: number;
  private readonly messageIdDomain: string;
  private readonly emails: Counter<'kind' | 'outcome'>;

  constructor(
    private readonly notifications: EmailNotificationsRepository,
    private readonly presence: PresenceService,
    private readonly events: DomainEvents,
    private readonly tokens: EmailTokens,
    @Inject(MAIL_SENDER) private readonly sender: MailSender | null,
    metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.email = config.email;
    this.emails = new Counter({
      name: 'chat_emails_total',
      help: 'Notification email attempts: sent, failed (retried later) or given up',
      labelNames: ['kind', 'outcome'],
      registers: [metrics.registry],
    });
    // Timers wake the dispatcher when a message becomes due; polling covers other instances' messages.
    this.pollMs = Math.min(5_000, Math.max(200, Math.floor(this.email.notifyDelayMs / 2)));
    this.messageIdDomain =
      this.email.inboundDomain ?? /@([^>\s]+)>?\s*$/.exec(this.email.from)?.[1] ?? new URL(this.email.publicUrl).hostname;
  }

  onModuleInit(): void {
    if (!this.sender) {
      return;
    }
    this.events.subscribe('message.stored', ({ isRedelivery }) => {
      if (!isRedelivery) {
        this.wakeAt(Date.now() + this.email.notifyDelayMs + 20);
      }
    });
    this.wakeAt(Date.now());
  }

  // Waits for the pass in flight, so an email being sent is recorded before the database closes.
  async onModuleDestroy(): Promise<void> {
    this.isStopping = true;
    clearTimeout(this.timer);
    await this.pass;
    this.sender?.close();
  }

  private wakeAt(at: number): void {
    if (this.isStopping) {
      return;
    }
    if (this.pass) {
      this.wantedAt = Math.min(this.wantedAt ?? at, at);
      return;
    }
    if (this.timer && this.timerAt <= at) {
      return;
    }
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pass = this.sendDue()
          .catch((error: unknown) => {
            this.logPassError(error);
            return undefined;
          })
          .then((nextDueAt) => {
            this.pass = undefined;
            const wanted = this.wantedAt ?? Number.POSITIVE_INFINITY;
            this.wantedAt = undefined;
            this.wakeAt(Math.min(Date.now() + this.pollMs, nextDueAt?.getTime() ?? Number.POSITIVE_INFINITY, wanted));
          });
      },
      Math.max(0, at - Date.now()),
    );
    this.timer.unref();
  }

  // Returns when the earliest email seen waiting becomes due.
  private async sendDue(): Promise<Date | undefined> {
    await this.purgeQuiet();
    await this.notifications.ensureCursors(LOOKBACK_MS, this.email.adminNotifications);
    const onlineAdmins = this.email.adminNotifications ? await this.onlineAdmins() : new Set<number>();
    let nextDueAt: Date | undefined;
    while (!this.isStopping) {
      const now = Date.now();
      const { claimed, toSend, nextWakeAt } = await this.notifications.claim(BATCH_SIZE, LEASE_MS, LOOKBACK_MS, (candidate) =>
        this.decide(candidate, now, onlineAdmins),
      );
      if (nextWakeAt && (!nextDueAt || nextWakeAt < nextDueAt)) {
        nextDueAt = nextWakeAt;
      }
      for (const candidate of toSend) {
        await this.sendOne(candidate);
      }
      // Rows judged not due (or skipped) are out of the way now: a full batch means more may be waiting.
      if (claimed < BATCH_SIZE) {
        return nextDueAt;
      }
    }
    return nextDueAt;
  }

  // The rules: who gets an email about what, and when. One email per conversation batch: every pending
  // message goes out together once the newest has waited the delay (a burst of replies makes one email),
  // but never later than twice the delay after the oldest (a long burst still gets through).
  // Admins: about a conversation assigned to them while they are offline, about a new unassigned one while no
  // admin at all is online.
  private decide(candidate: NotificationCandidate, now: number, onlineAdmins: Set<number>): ClaimDecision {
    const { recipient, pending } = candidate;
    const isAdminWanted =
      this.email.adminNotifications && (candidate.assigneeId === recipient.id ? !onlineAdmins.has(recipient.id) : onlineAdmins.size === 0);
    const isWanted = recipient.wantsEmail && EMAIL_SHAPE.test(recipient.email) && (recipient.role === 'USER' || isAdminWanted);
    const oldest = pending[0];
    const newest = pending.at(-1);
    if (!isWanted || !oldest || !newest) {
      return { kind: 'skip', cursor: candidate.lastSeq };
    }
    const delay = this.email.notifyDelayMs;
    const dueAt = Math.min(newest.createdAt.getTime() + delay, oldest.createdAt.getTime() + 2 * delay);
    return dueAt > now ? { kind: 'wait', until: new Date(dueAt) } : { kind: 'send' };
  }

  // When presence cannot be read, nobody is taken for offline: no admin email rather than a wrong one.
  private async onlineAdmins(): Promise<Set<number>> {
    try {
      return await this.presence.onlineAdminIds();
    } catch {
      return new Set([0]);
    }
  }

  private async sendOne(candidate: NotificationCandidate): Promise<void> {
    const sender = this.sender;
    const last = candidate.pending.at(-1);
    if (!sender || !last) {
      return;
    }
    const { conversationId, recipient } = candidate;
    const kind = this.kindOf(candidate);
    try {
      await sender.send(this.compose(candidate));
      this.emails.inc({ kind, outcome: 'sent' });
      await this.notifications.markSent(conversationId, recipient.id, last.seq);
    } catch (error) {
      const failure = error instanceof Error ? error.message : String(error);
      const attempts = candidate.attempts + 1;
      if (attempts >= MAX_ATTEMPTS) {
        this.emails.inc({ kind, outcome: 'given-up' });
        this.logger.error(
          `email to user ${recipient.id} about conversation ${conversationId} failed ${attempts} times, giving up: ${failure}`,
        );
        await this.notifications.markSent(conversationId, recipient.id, last.seq);
        return;
      }
      this.emails.inc({ kind, outcome: 'failed' });
      const retryInMs = emailRetryDelayMs(attempts);
      this.logger.warn(
        `email to user ${recipient.id} about conversation ${conversationId} failed (attempt ${attempts}, next in ${retryInMs} ms): ${failure}`,
      );
      await this.notifications.markFailed(conversationId, recipient.id, failure.slice(0, 500), retryInMs);
    }
  }

  private kindOf(candidate: NotificationCandidate): NotificationContent['kind'] {
    if (candidate.recipient.role !== 'ADMIN') {
      return 'reply';
    }
    return candidate.assigneeId === candidate.recipient.id ? 'assigned' : 'new-conversation';
  }

  private compose(candidate: NotificationCandidate) {
    const { conversationId, recipient } = candidate;
    const unsubscribeUrl = `${this.email.publicUrl}/chat/email/unsubscribe?token=${this.tokens.unsubscribeToken(recipient.id)}`;
    const domain = this.email.inboundDomain;
    const rendered = renderNotification({
      kind: this.kindOf(candidate),
      recipientName: recipient.name,
      customerName: candidate.customerName,
      messages: candidate.pending,
      continueUrl: continueConversationUrl(this.email.publicUrl, { id: conversationId }),
      unsubscribeUrl,
      canReplyByEmail: domain !== undefined,
    });
    return {
      from: this.email.from,
      to: { name: recipient.name, address: recipient.email },
      replyTo: domain ? `reply+${this.tokens.replyToken({ conversationId, userId: recipient.id })}@${domain}` : undefined,
      ...rendered,
      // The same for every retry of this batch, on every instance: the batch starts after the cursor.
      messageId: `<chat.${conversationId}.${recipient.id}.${candidate.cursor + 1}@${this.messageIdDomain}>`,
      // Mail clients thread every email of a conversation together.
      references: `<chat.${conversationId}.${recipient.id}@${this.messageIdDomain}>`,
      headers: {
        'List-Unsubscribe': `<${unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'X-Chat-Conversation': String(conversationId),
        // RFC 3834: vacation responders stay quiet (people can still reply by hand).
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'OOF, AutoReply',
      },
    };
  }

  private async purgeQuiet(): Promise<void> {
    if (Date.now() - this.lastPurgeAt >= PURGE_EVERY_MS) {
      this.lastPurgeAt = Date.now();
      await this.notifications.deleteQuietBefore(LOOKBACK_MS);
    }
  }

  // The database being down fails every pass: one line a minute is enough.
  private logPassError(error: unknown): void {
    if (Date.now() - this.lastErrorLogAt >= ERROR_LOG_EVERY_MS) {
      this.lastErrorLogAt = Date.now();
      this.logger.warn(`email dispatch failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
