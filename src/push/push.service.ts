import { Inject, Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import type { Actor } from '../auth/actor.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError, ErrorCode, notFound } from '../common/errors.js';
import { nonPublicReason } from '../http/address-policy.js';
import { PushSubscriptionsRepository } from './push-subscriptions.repository.js';
import { PushNotifier } from './push.notifier.js';
import type { PushSubscriptionInput, PushSubscriptionView, UnsubscribeInput } from '../contract/push.js';
import { VAPID_KEYS, type VapidKeys } from './vapid-keys.js';

// A browser profile per device; more than this per person is a bug or abuse, and each one costs a request per message.
const MAX_SUBSCRIPTIONS_PER_USER = 10;

const invalidEndpoint = (message: string) =>
  new DomainError(ErrorCode.VALIDATION, `Invalid request body: endpoint: ${message}`, { issues: [{ path: 'endpoint', message }] });

@Injectable()
export class PushService {
  constructor(
    private readonly subscriptions: PushSubscriptionsRepository,
    private readonly notifier: PushNotifier,
    @Inject(VAPID_KEYS) private readonly keys: VapidKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  publicKey(): { publicKey: string } {
    return { publicKey: this.keys.publicKey };
  }

  async subscribe(actor: Actor, input: PushSubscriptionInput): Promise<PushSubscriptionView> {
    this.requireDeliverableEndpoint(input.endpoint);
    const row = await this.subscriptions.upsert(
      { userId: actor.id, endpoint: input.endpoint, p256dh: input.keys.p256dh, auth: input.keys.auth },
      MAX_SUBSCRIPTIONS_PER_USER,
    );
    this.notifier.subscriptionAdded();
    return { endpoint: row.endpoint, createdAt: row.createdAt.toISOString() };
  }

  // Someone else's endpoint answers like a missing one.
  async unsubscribe(actor: Actor, input: UnsubscribeInput): Promise<void> {
    if (!(await this.subscriptions.deleteOwn(actor.id, input.endpoint))) {
      throw notFound('Push subscription');
    }
  }

  // Push services are public https endpoints. Host names are checked again, resolved, at every send.
  private requireDeliverableEndpoint(endpoint: string): void {
    if (this.config.push.allowPrivate) {
      return;
    }
    const url = new URL(endpoint);
    if (url.protocol !== 'https:') {
      throw invalidEndpoint('must be an https URL');
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const reason = isIP(host) ? nonPublicReason(host) : host === 'localhost' || host.endsWith('.localhost') ? 'loopback' : undefined;
    if (reason !== undefined) {
      throw invalidEndpoint(`must not point at a ${reason} address`);
    }
  }
}
