import type { FastifyReply, FastifyRequest } from 'fastify';

// The web app loads only its own scripts, styles and connections; images may also be blob: (previews) and data:.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HSTS = 'max-age=31536000; includeSubDomains';

// On every response. A route that sets its own Content-Security-Policy (an embeddable page with its own
// frame-ancestors) keeps it, and then gets no X-Frame-Options either, which would forbid the framing it allows.
export function applySecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'no-referrer');
  reply.header('Cross-Origin-Opener-Policy', 'same-origin');
  // request.protocol follows X-Forwarded-Proto only from proxies named by TRUST_PROXY.
  if (request.protocol === 'https') {
    reply.header('Strict-Transport-Security', HSTS);
  }
  // The OpenAPI page (when enabled) runs Swagger UI's inline code; it gets only the framing ban.
  const isDocs = request.url === '/docs' || request.url.startsWith('/docs/');
  if (reply.hasHeader('Content-Security-Policy')) {
    return;
  }
  reply.header('Content-Security-Policy', isDocs ? "frame-ancestors 'none'" : CONTENT_SECURITY_POLICY);
  reply.header('X-Frame-Options', 'DENY');
}
