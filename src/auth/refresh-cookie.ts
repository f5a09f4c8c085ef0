import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionMeta } from './sessions.views.js';

export const REFRESH_COOKIE = 'chat_refresh';
// Sent only to the refresh route: no other request carries the refresh token.
export const REFRESH_COOKIE_PATH = '/auth/refresh';

export function readRefreshCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) {
    return undefined;
  }
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === REFRESH_COOKIE) {
      const token = value.join('=');
      return /^[\w-]{1,200}$/.test(token) ? token : undefined;
    }
  }
  return undefined;
}

// HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure when the request came over
// https (request.protocol follows X-Forwarded-Proto only from proxies TRUST_PROXY names).
export function setRefreshCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: string): void {
  const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000));
  reply.header('Set-Cookie', cookie(request, `${REFRESH_COOKIE}=${token}; Max-Age=${maxAge}`));
}

export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('Set-Cookie', cookie(request, `${REFRESH_COOKIE}=; Max-Age=0`));
}

function cookie(request: FastifyRequest, value: string): string {
  return `${value}; Path=${REFRESH_COOKIE_PATH}; HttpOnly; SameSite=Strict${request.protocol === 'https' ? '; Secure' : ''}`;
}

export function sessionMeta(request: FastifyRequest): SessionMeta {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 300) : null };
}
