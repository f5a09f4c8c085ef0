import { createHmac } from 'node:crypto';

// X-Chat-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>, the scheme Stripe uses:
// the timestamp is signed with the body, so a receiver that rejects old timestamps also rejects replays.
export function signatureHeader(secret: string, rawBody: string, unixSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}
