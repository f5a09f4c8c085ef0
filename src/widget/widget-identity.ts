import { createHmac, timingSafeEqual } from 'node:crypto';

// Namespaces of widget accounts' external ids. Host-app token users are "<issuer>|<sub>"; these two prefixes are
// left out of the unique email index (drizzle/0003_widget.sql), which is what keeps widget users apart.
export const WIDGET_USER_PREFIX = 'widget|';
export const WIDGET_VISITOR_PREFIX = 'widget-visitor|';
// Visitors have no email until they type one; users.email is required, so they get an undeliverable one.
export const VISITOR_EMAIL_DOMAIN = 'visitor.invalid';

export function userHashOf(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

// Constant-time: both sides are 32-byte digests, whatever the caller sent (a short or non-hex hash is compared
// as zeros and then refused), so the time taken says nothing about how much of the hash was right.
export function isValidUserHash(secret: string, userId: string, hash: string | undefined): boolean {
  const expected = createHmac('sha256', secret).update(userId, 'utf8').digest();
  const isWellFormed = hash !== undefined && /^[0-9a-f]{64}$/i.test(hash);
  const given = isWellFormed ? Buffer.from(hash, 'hex') : Buffer.alloc(expected.length);
  return timingSafeEqual(expected, given) && isWellFormed;
}

export const isVisitorExternalId = (externalId: string | null): boolean => externalId?.startsWith(WIDGET_VISITOR_PREFIX) ?? false;

export const hasRealEmail = (email: string): boolean => !email.endsWith(`@${VISITOR_EMAIL_DOMAIN}`);

// "Chrome 131 on macOS": enough for an agent to picture the person's screen; the raw header is not kept.
export function describeBrowser(userAgent: string | undefined): string | undefined {
  if (!userAgent) {
    return undefined;
  }
  const browsers: [string, RegExp][] = [
    ['Edge', /Edg\/(\d+)/],
    ['Opera', /OPR\/(\d+)/],
    ['Firefox', /Firefox\/(\d+)/],
    ['Chrome', /Chrom(?:e|ium)\/(\d+)/],
    ['Safari', /Version\/(\d+)[.\d]* .*Safari\//],
  ];
  const systems: [string, RegExp][] = [
    ['Android', /Android/],
    ['iOS', /iPhone|iPad|iPod/],
    ['Windows', /Windows/],
    ['macOS', /Mac OS X|Macintosh/],
    ['ChromeOS', /CrOS/],
    ['Linux', /Linux/],
  ];
  const browser = browsers.map(([name, pattern]) => [name, pattern.exec(userAgent)?.[1]] as const).find(([, version]) => version);
  const system = systems.find(([, pattern]) => pattern.test(userAgent))?.[0];
  const name = browser ? `${browser[0]} ${browser[1]}` : 'Unknown browser';
  return (system ? `${name} on ${system}` : name).slice(0, 100);
}
