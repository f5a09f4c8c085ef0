import { createHmac, timingSafeEqual } from 'node:crypto';

// Reply-To and unsubscribe links carry HMACs under a key derived from JWT_SECRET (shared by every instance),
// so no new secret has to be configured and a token made on one instance verifies on another.
const MAC_HEX_LENGTH = 20; // 80 bits: forging one needs 2^80 tries, far beyond any rate limit.
export const REPLY_TOKEN_TTL_MS = 180 * 86_400_000;

export interface ReplyTarget {
  conversationId: number;
  userId: number;
}

export class EmailTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('support-chat email tokens v1').digest();
  }

  // "<conversation>-<user>-<expiry, base36 seconds>-<mac>": lower case only, because mail systems may fold
  // the case of a local part, and short, because a local part is at most 64 characters.
  replyToken(target: ReplyTarget, now = Date.now()): string {
    const expires = Math.floor((now + REPLY_TOKEN_TTL_MS) / 1000).toString(36);
    const body = `${target.conversationId}-${target.userId}-${expires}`;
    return `${body}-${this.mac(`reply:${body}`)}`;
  }

  // Undefined when forged, altered or expired.
  verifyReplyToken(token: string, now = Date.now()): ReplyTarget | undefined {
    const match = /^([1-9]\d{0,9})-([1-9]\d{0,9})-([0-9a-z]{1,10})-([0-9a-f]+)$/.exec(token.toLowerCase());
    if (!match) {
      return undefined;
    }
    const [, conversation, user, expires, mac] = match as unknown as [string, string, string, string, string];
    if (!this.isMac(`reply:${conversation}-${user}-${expires}`, mac)) {
      return undefined;
    }
    if (Number.parseInt(expires, 36) * 1000 < now) {
      return undefined;
    }
    return { conversationId: Number(conversation), userId: Number(user) };
  }

  // Unsubscribe links do not expire: an old email's link must still work.
  unsubscribeToken(userId: number): string {
    return `${userId}-${this.mac(`unsubscribe:${userId}`)}`;
  }

  verifyUnsubscribeToken(token: string): number | undefined {
    const match = /^([1-9]\d{0,9})-([0-9a-f]+)$/.exec(token.toLowerCase());
    return match?.[1] && match[2] && this.isMac(`unsubscribe:${match[1]}`, match[2]) ? Number(match[1]) : undefined;
  }

  private mac(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('hex').slice(0, MAC_HEX_LENGTH);
  }

  private isMac(text: string, given: string): boolean {
    const expected = Buffer.from(this.mac(text));
    const actual = Buffer.from(given);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}

// The address part of "reply+<token>@domain"; undefined for any other address (or another domain).
export function replyTokenOf(address: string, inboundDomain: string | undefined): string | undefined {
  const match = /^reply\+([^@\s]+)@([^@\s]+)$/i.exec(address.trim());
  if (!match?.[1] || !match[2]) {
    return undefined;
  }
  return inboundDomain === undefined || match[2].toLowerCase() === inboundDomain ? match[1] : undefined;
}
