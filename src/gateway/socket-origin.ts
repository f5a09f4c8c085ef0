import type { IncomingMessage } from 'node:http';

// Browsers always send Origin on cross-site requests; clients that are not browsers send none.
// A page from a foreign origin must not ride a user's session through either transport.
export function isAllowedOrigin(request: IncomingMessage, allowedOrigins: string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) {
    return true;
  }
  if (allowedOrigins.includes(origin)) {
    return true;
  }
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
