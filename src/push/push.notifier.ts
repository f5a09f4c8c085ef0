import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PresenceService } from '../presence/presence.service.js';
import { DomainEvents, type DomainEventMap } from '../events/domain-events.js';
import { describeFailure } from '../http/outbound-http.js';
import { conversationUrl } from '../realtime/rooms.js';
import type { PushNotificationPayload } from '../contract/push.js';
import { BoundedQueue } from './bounded-queue.js';
import { notificationFor, topicFor } from './push-notification.js';
import { type PushTarget, PushSubscriptionsRepository } from './push-subscriptions.repository.js';
import { WebPushSender } from './web-push.sender.js';

const CONCURRENCY = 8;
const MAX_PENDING = 2_000;
const DROP_LOG_EVERY_MS = 60_000;
const NO_SUBSCRIBERS_CACHE_MS = 5_000;

// After a message is stored (and acknowledged), notify the other side's people who have no connected socket:
// admins write to the conversation's user, users write to every admin.
@Injectable()
export class PushNotifier implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PushNotifier.name);
  private readonly queue = new BoundedQueue(CONCURRENCY, MAX_PENDING, (error) =>
    this.logger.warn(`push notification failed: ${describeFailure(error)}`),
  );
  private dropped = 0;
  private noSubscribersUntil = 0;
  private subscriptionsAdded = 0;
  private lastDropLogAt = 0;

  constructor(
    private readonly events: DomainEvents,
    private readonly presence: PresenceService,
    private readonly subscriptions: PushSubscriptionsRepository,
    private readonly sender: WebPushSender,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('message.stored', (event) => {
      if (!event.isRedelivery) {
        this.enqueue(() => this.notify(event));
      }
    });
    // Agent workflow: a mention always pushes (it asks for attention); an assignment by someone else only
    // when the assignee has no socket open (the socket already got `assigned`).
    this.events.subscribe('agent.mentioned', ({ adminId, message, mentionedBy }) => {
      this.enqueue(() =>
        this.notifyAdmin(adminId, {
          title: `${mentionedBy.name} mentioned you`,
          body: notificationFor(message).body,
          conversationId: message.conversationId,
          messageId: message.id,
          url: conversationUrl(message.conversationId),
        }),
      );
    });
    this.events.subscribe('conversation.assigned', ({ conversation, assignedBy }) => {
      const assignee = conversation.assignee;
      if (assignee && assignee.id !== assignedBy?.id) {
        this.enqueue(() =>
          this.notifyAdmin(
            assignee.id,
            {
              title: assignedBy ? `${assignedBy.name} assigned you a conversation` : 'A conversation was assigned to you',
              body: `Conversation with ${conversation.user.name}`,
              conversationId: conversation.id,
              url: conversationUrl(conversation.id),
            },
            { onlyWhenOffline: true },
          ),
        );
      }
    });
  }

  private async notifyAdmin(adminId: number, notification: PushNotificationPayload, options: { onlyWhenOffline?: boolean } = {}) {
    if (!(await this.mayHaveSubscribers())) {
      return;
    }
    const targets = await this.subscriptions.ofUser(adminId);
    if (targets.length === 0 || (options.onlyWhenOffline && (await this.presence.onlineUserIds()).has(adminId))) {
      return;
    }
    const payload = JSON.stringify(notification);
    for (const target of targets) {
      this.enqueue(() => this.sendTo(target, payload, topicFor(notification.conversationId)));
    }
  }

  // Sends that started finish (each is bounded by its timeout); the ones still waiting are dropped.
  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
  }

  // A subscription was added on this instance: stop trusting a cached "nobody is subscribed".
  subscriptionAdded(): void {
    this.noSubscribersUntil = 0;
    this.subscriptionsAdded += 1;
  }

  private async notify({ message, conversationUserId }: DomainEventMap['message.stored']): Promise<void> {
    // Notes travel as note.stored; this guard keeps one from ever reaching the customer's devices.
    if (message.isPrivate || !(await this.mayHaveSubscribers())) {
      return;
    }
    const candidates =
      message.sender.role === 'ADMIN' ? await this.subscriptions.ofUser(conversationUserId) : await this.subscriptions.ofAdmins();
    const others = candidates.filter((target) => target.userId !== message.senderId);
    if (others.length === 0) {
      return;
    }
    // Asked only when someone could be notified: presence may be a Redis round trip.
    const online = await this.presence.onlineUserIds();
    const payload = JSON.stringify(notificationFor(message));
    const topic = topicFor(message.conversationId);
    for (const target of others.filter((candidate) => !online.has(candidate.userId))) {
      this.enqueue(() => this.sendTo(target, payload, topic));
    }
  }

  private async sendTo(target: PushTarget, payload: string, topic: string): Promise<void> {
    const outcome = await this.sender.send(target, payload, topic);
    switch (outcome.kind) {
      case 'sent':
        return;
      case 'gone':
        await this.subscriptions.deleteById(target.id);
        this.logger.log(`push subscription ${target.id} of user ${target.userId} is gone (HTTP ${outcome.status}): removed`);
        return;
      case 'failed':
        this.logger.warn(`push to subscription ${target.id} of user ${target.userId} failed: ${outcome.reason}`);
        return;
    }
  }

  // Many deployments (and every benchmark) have no subscriptions: one cached answer spares a query per message.
  // Another instance's first subscription is noticed within NO_SUBSCRIBERS_CACHE_MS.
  private async mayHaveSubscribers(): Promise<boolean> {
    if (Date.now() < this.noSubscribersUntil) {
      return false;
    }
    const addedBefore = this.subscriptionsAdded;
    if (await this.subscriptions.any()) {
      return true;
    }
    // Unless one was added while the query ran.
    if (addedBefore === this.subscriptionsAdded) {
      this.noSubscribersUntil = Date.now() + NO_SUBSCRIBERS_CACHE_MS;
    }
    return false;
  }

  private enqueue(job: () => Promise<void>): void {
    if (this.queue.add(job)) {
      return;
    }
    this.dropped += 1;
    if (Date.now() - this.lastDropLogAt >= DROP_LOG_EVERY_MS) {
      this.logger.warn(`push queue full or closed: ${this.dropped} notification(s) dropped`);
      this.lastDropLogAt = Date.now();
      this.dropped = 0;
    }
  }
}
