import { ECDH } from 'node:crypto';
import { z } from 'zod';

const MAX_ENDPOINT_LENGTH = 2048;

function base64urlBytes(value: string): Buffer | undefined {
  return /^[A-Za-z0-9_-]+={0,2}$/.test(value) ? Buffer.from(value.replace(/=+$/, ''), 'base64url') : undefined;
}

// A point on P-256 in uncompressed form (65 bytes): anything else would only fail later, at encryption time.
function isP256Point(value: string): boolean {
  const bytes = base64urlBytes(value);
  if (!bytes || bytes.length !== 65 || bytes[0] !== 0x04) {
    return false;
  }
  try {
    ECDH.convertKey(bytes, 'prime256v1');
    return true;
  } catch {
    return false;
  }
}

const endpointSchema = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .max(MAX_ENDPOINT_LENGTH, { message: `must be at most ${MAX_ENDPOINT_LENGTH} characters` })
  .describe('The push service URL from PushSubscription.endpoint (https)');

// What the browser's PushSubscription.toJSON() gives.
export const pushSubscriptionSchema = z.strictObject({
  endpoint: endpointSchema,
  expirationTime: z.number().nullable().optional().describe('Ignored: the push service says when a subscription is gone'),
  keys: z.strictObject({
    p256dh: z
      .string({ message: 'must be a string' })
      .refine(isP256Point, { message: 'must be an uncompressed P-256 public key, base64url' })
      .describe('The browser’s ECDH public key (base64url, 65 bytes)'),
    auth: z
      .string({ message: 'must be a string' })
      .refine((value) => base64urlBytes(value)?.length === 16, { message: 'must be 16 bytes, base64url' })
      .describe('The authentication secret (base64url, 16 bytes)'),
  }),
});
export type PushSubscriptionInput = z.output<typeof pushSubscriptionSchema>;

export const unsubscribeSchema = z.strictObject({ endpoint: endpointSchema });
export type UnsubscribeInput = z.output<typeof unsubscribeSchema>;

export const pushSubscriptionViewSchema = z.object({ endpoint: z.string(), createdAt: z.string() });
export type PushSubscriptionView = z.output<typeof pushSubscriptionViewSchema>;

// What the service worker receives (decrypted) and shows.
export const pushNotificationSchema = z.object({
  title: z.string(),
  body: z.string(),
  conversationId: z.number().int(),
  // Absent for notifications that are not about one message (an assignment).
  messageId: z.number().int().optional(),
  url: z.string(),
});
export type PushNotificationPayload = z.output<typeof pushNotificationSchema>;
