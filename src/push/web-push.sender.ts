import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { lazyImport } from '../common/lazy-import.js';
import { describeFailure, postOnce } from '../http/outbound-http.js';
import type { PushTarget } from './push-subscriptions.repository.js';
import { VAPID_KEYS, type VapidKeys } from './vapid-keys.js';

export type PushOutcome = { kind: 'sent' } | { kind: 'gone'; status: number } | { kind: 'failed'; reason: string };

const REQUEST_TIMEOUT_MS = 5_000;
// Loaded with the first push, not at start: most servers have few or no push subscriptions.
const loadWebPush = lazyImport(async () => (await import('web-push')).default);
// A notification about a chat message is worth little after an hour.
const TTL_SECONDS = 3_600;

// One encrypted push (RFC 8291 aes128gcm, VAPID RFC 8292). web-push builds the request; it is sent through the
// same SSRF-checked client as webhooks, because web-push's own sender would connect wherever the endpoint points.
@Injectable()
export class WebPushSender {
  private readonly vapidDetails: { subject: string; publicKey: string; privateKey: string };

  constructor(
    @Inject(VAPID_KEYS) keys: VapidKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // Passed per request rather than with setVapidDetails: that one is process-wide, and tests run several apps in one process.
    this.vapidDetails = { subject: config.push.subject, publicKey: keys.publicKey, privateKey: keys.privateKey };
  }

  async send(target: PushTarget, payload: string, topic: string): Promise<PushOutcome> {
    const allowPrivate = this.config.push.allowPrivate;
    try {
      if (!allowPrivate && !target.endpoint.startsWith('https://')) {
        return { kind: 'failed', reason: 'endpoint is not https' };
      }
      const webpush = await loadWebPush();
      const request = webpush.generateRequestDetails(
        { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
        payload,
        {
          vapidDetails: this.vapidDetails,
          TTL: TTL_SECONDS,
          urgency: 'high',
          topic,
        },
      );
      const response = await postOnce({
        url: request.endpoint,
        headers: request.headers as Record<string, string | number>,
        body: request.body ?? '',
        timeoutMs: REQUEST_TIMEOUT_MS,
        allowPrivate,
      });
      if (response.status >= 200 && response.status < 300) {
        return { kind: 'sent' };
      }
      // The push service's word that the subscription expired or was revoked (RFC 8030 §7.3).
      if (response.status === 404 || response.status === 410) {
        return { kind: 'gone', status: response.status };
      }
      return { kind: 'failed', reason: `HTTP ${response.status}${response.bodyStart ? `: ${response.bodyStart.slice(0, 200)}` : ''}` };
    } catch (error) {
      return { kind: 'failed', reason: describeFailure(error) };
    }
  }
}
