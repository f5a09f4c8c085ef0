import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainEvents } from '../events/domain-events.js';
import { describeFailure, postOnce, RefusedAddressError } from '../http/outbound-http.js';
import { retryDelayMs } from '../http/retry-backoff.js';
import { type OutboxEntry, WebhookOutboxRepository } from './webhook-outbox.repository.js';
import { signatureHeader } from './webhook-signature.js';

type WebhookConfig = NonNullable<AppConfig['webhook']>;

const POLL_INTERVAL_MS = 500;
const REQUEST_TIMEOUT_MS = 5_000;
const BATCH_SIZE = 10;
// Longer than a whole batch of timed-out requests, so a slow batch is never claimed twice.
const LEASE_MS = BATCH_SIZE * REQUEST_TIMEOUT_MS + 10_000;
const KEEP_DELIVERED_MS = 7 * 24 * 3_600_000;
const PURGE_EVERY_MS = 3_600_000;
const PURGE_BATCH = 1_000;
const MAX_ERROR_LENGTH = 500;
const ERROR_LOG_EVERY_MS = 60_000;

// Delivers the webhook outbox at least once: rows are written with the change they describe, and a row is
// marked delivered only after a 2xx, so a crash at any point means a retry, never a loss.
@Injectable()
export class WebhookDispatcher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private isStopping = false;
  private isNudged = false;
  private lastPurgeAt = 0;
  private lastErrorLogAt = 0;
  private readonly loggedRefusals = new Set<string>();

  constructor(
    private readonly outbox: WebhookOutboxRepository,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const webhook = this.config.webhook;
    if (!webhook) {
      return;
    }
    // Every change that wrote an outbox row goes out at once instead of waiting for the next poll.
    const nudge = () => this.nudge();
    this.events.subscribe('message.stored', nudge);
    this.events.subscribe('conversation.created', nudge);
    this.events.subscribe('conversation.updated', nudge);
    this.schedule(webhook, 0);
  }

  // Stops polling and waits for the POST in flight, so its outcome is recorded before the database closes.
  async onModuleDestroy(): Promise<void> {
    this.isStopping = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  nudge(): void {
    const webhook = this.config.webhook;
    if (!webhook || this.isStopping) {
      return;
    }
    if (this.pass) {
      this.isNudged = true;
    } else {
      this.schedule(webhook, 0);
    }
  }

  private schedule(webhook: WebhookConfig, delayMs: number): void {
    clearTimeout(this.timer);
    if (this.isStopping) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pass = this.deliverDue(webhook)
        .catch((error: unknown) => this.logDispatchError(error))
        .finally(() => {
          this.pass = undefined;
          const again = this.isNudged;
          this.isNudged = false;
          this.schedule(webhook, again ? 0 : POLL_INTERVAL_MS);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async deliverDue(webhook: WebhookConfig): Promise<void> {
    await this.purgeDelivered();
    while (!this.isStopping) {
      const batch = await this.outbox.claimDue(BATCH_SIZE, LEASE_MS);
      if (batch.length === 0 || !(await this.deliverBatch(webhook, batch)) || batch.length < BATCH_SIZE) {
        return;
      }
    }
  }

  // In id order. After a failure the rest of the batch waits as long as the failed row, so a receiver that is
  // down gets one request per poll, not a burst. Newer rows may overtake a failed one while it waits: receivers
  // order by the payload (message seq, updatedAt) and drop duplicates by X-Chat-Delivery.
  private async deliverBatch(webhook: WebhookConfig, batch: OutboxEntry[]): Promise<boolean> {
    const idsFrom = (index: number) => batch.slice(index).map((entry) => entry.id);
    for (const [index, entry] of batch.entries()) {
      if (this.isStopping) {
        await this.outbox.release(idsFrom(index), 0);
        return false;
      }
      const retryInMs = await this.deliver(webhook, entry);
      if (retryInMs !== undefined) {
        await this.outbox.release(idsFrom(index + 1), retryInMs);
        return false;
      }
    }
    return true;
  }

  // Undefined when delivered, else the delay before this row's next attempt.
  private async deliver(webhook: WebhookConfig, entry: OutboxEntry): Promise<number | undefined> {
    const body = JSON.stringify({ id: entry.id, event: entry.event, createdAt: entry.createdAt.toISOString(), data: entry.payload });
    let failure: string;
    let isRefused = false;
    try {
      const response = await postOnce({
        url: webhook.url,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'support-chat-webhooks/1',
          'x-chat-event': entry.event,
          'x-chat-delivery': String(entry.id),
          'x-chat-signature': signatureHeader(webhook.secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        timeoutMs: REQUEST_TIMEOUT_MS,
        allowPrivate: webhook.allowPrivate,
      });
      if (response.status >= 200 && response.status < 300) {
        await this.outbox.markDelivered(entry.id);
        return undefined;
      }
      failure = `HTTP ${response.status}${response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : ''}${
        response.bodyStart ? `: ${response.bodyStart}` : ''
      }`;
    } catch (error) {
      failure = describeFailure(error);
      if (error instanceof RefusedAddressError) {
        isRefused = true;
        this.logRefusalOnce(error);
      }
    }
    const attempts = entry.attempts + 1;
    const retryInMs = retryDelayMs(attempts);
    await this.outbox.markFailed(entry.id, failure.slice(0, MAX_ERROR_LENGTH), retryInMs);
    if (!isRefused) {
      this.logger.warn(`webhook ${entry.event} #${entry.id} failed (attempt ${attempts}, next in ${retryInMs} ms): ${failure}`);
    }
    return retryInMs;
  }

  // The database being down fails every poll: one line a minute is enough.
  private logDispatchError(error: unknown): void {
    if (Date.now() - this.lastErrorLogAt >= ERROR_LOG_EVERY_MS) {
      this.lastErrorLogAt = Date.now();
      this.logger.warn(`webhook dispatch failed, retrying every ${POLL_INTERVAL_MS} ms: ${describeFailure(error)}`);
    }
  }

  // A refused address is a configuration problem: say so loudly once, not on every retry.
  private logRefusalOnce(error: RefusedAddressError): void {
    if (!this.loggedRefusals.has(error.address)) {
      this.loggedRefusals.add(error.address);
      this.logger.error(`WEBHOOK_URL ${error.message}; nothing is sent there`);
    }
  }

  private async purgeDelivered(): Promise<void> {
    if (Date.now() - this.lastPurgeAt < PURGE_EVERY_MS) {
      return;
    }
    this.lastPurgeAt = Date.now();
    const cutoff = new Date(Date.now() - KEEP_DELIVERED_MS);
    // Bounded deletes, so a large backlog never becomes one long statement.
    let deleted = PURGE_BATCH;
    while (!this.isStopping && deleted === PURGE_BATCH) {
      deleted = await this.outbox.deleteDeliveredBefore(cutoff, PURGE_BATCH);
    }
  }
}
