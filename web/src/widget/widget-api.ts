import { ApiError } from '../api/api-error.js';
import type { WidgetContactFlags, WidgetSessionView } from '@contract/widget';
import type { Attributes, WidgetIdentity } from '../widget-loader/protocol.js';

export type WidgetSession = WidgetSessionView;

async function send<T>(method: string, path: string, body: unknown, token?: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { accept: 'application/json', 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach the server.');
  }
  const parsed: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    throw ApiError.fromBody(response.status, parsed);
  }
  return parsed as T;
}

// The signed identity (or host token, or this browser's visitor id) for a chat session of our own.
export function exchangeIdentity(identity: WidgetIdentity, visitorId: string | undefined): Promise<WidgetSession> {
  const user = identity.user;
  return send<WidgetSession>('POST', '/widget/session', {
    ...(user ? { id: user.id, email: user.email, name: user.name, hash: user.hash } : {}),
    ...(identity.token ? { token: identity.token } : {}),
    ...(!user && !identity.token && visitorId ? { visitorId } : {}),
    attributes: identity.attributes,
    pageUrl: identity.pageUrl,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
}

export function updateContact(
  token: string,
  change: { email?: string; attributes?: Attributes; pageUrl?: string },
): Promise<WidgetContactFlags> {
  return send('PATCH', '/widget/contact', change, token);
}

export async function supportOnline(token: string): Promise<boolean> {
  const response = await fetch('/chat/presence', { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  const body = (await response.json()) as { supportOnline?: boolean };
  return body.supportOnline === true;
}

// A visitor (no product identity) keeps one random id in this frame's storage, so a reload finds their chat.
const VISITOR_KEY = 'support-chat.widget-visitor';

export function visitorId(fromHost: string | undefined): string {
  let id: string | null = null;
  try {
    id = localStorage.getItem(VISITOR_KEY) ?? fromHost ?? null;
    if (!id) {
      id = crypto.randomUUID();
    }
    localStorage.setItem(VISITOR_KEY, id);
  } catch {
    // Storage blocked in this third-party frame: the copy the product page keeps is the one to use.
  }
  return id ?? fromHost ?? crypto.randomUUID();
}

export function forgetVisitor(): void {
  try {
    localStorage.removeItem(VISITOR_KEY);
    sessionStorage.clear();
  } catch {
    // Nothing was stored.
  }
}
