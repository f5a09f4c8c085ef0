import { ApiError } from './api-error.js';
import { nextPathOf } from './link-header.js';
import { uploadFile } from './upload.js';
import type { PublicOptions, SessionView } from '@contract/auth';
import type { ConversationListItem, ConversationView, UnreadCountView } from '@contract/conversations';
import type { AttachmentView, MessageView, ReadReceiptView } from '@contract/messages';
import type { SearchResultView } from '@contract/search';
import type { UserView } from '@contract/users';
import type { AuthSessionView } from '@contract/sessions';
import type { CannedResponseView } from '@contract/canned-responses';
import type { RatingView } from '@contract/ratings';
import type { ReportOverviewView } from '@contract/reports';
import type { EmailSettingsView } from '@contract/email';

export type ConversationStatus = ConversationView['status'];

export interface Page<T> {
  items: T[];
  // The path of the next page (from the Link header), when there is one.
  next?: string;
}

export type AssigneeFilter = 'me' | 'none';

export interface ConversationQuery {
  status?: ConversationStatus;
  q?: string;
  assignee?: AssigneeFilter;
  limit?: number;
}

export interface ApiClientOptions {
  token(): string | undefined;
  // The access token was refused as expired or revoked: a new one from the refresh cookie, or undefined when the
  // session is over (the session provider has then signed out).
  refresh(reason: string): Promise<string | undefined>;
  // An authenticated request was refused because the session ended (expired or revoked token).
  onSessionEnded(error: ApiError): void;
}

const MESSAGE_PAGE_SIZE = 30;
const SEARCH_PAGE_SIZE = 20;
// Messages newer than a search hit are fetched in pages this big (the server's maximum).
const NEWER_PAGE_SIZE = 100;
const CONVERSATION_PAGE_SIZE = 30;

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') {
      params.set(key, String(value));
    }
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

// The one REST client every view uses: same-origin JSON, bearer token, typed answers, ApiError on failure.
export function createApiClient(options: ApiClientOptions) {
  function authorization(): Record<string, string> {
    const token = options.token();
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  // Requests not yet answered: signing out waits for them, so none reaches the server after its session ended.
  const inFlight = new Set<Promise<unknown>>();

  function request<T>(method: string, path: string, body?: unknown, isRetry = false): Promise<{ body: T; headers: Headers }> {
    const pending = send<T>(method, path, body, isRetry);
    inFlight.add(pending);
    void pending.catch(() => undefined).finally(() => inFlight.delete(pending));
    return pending;
  }

  async function send<T>(method: string, path: string, body: unknown, isRetry: boolean): Promise<{ body: T; headers: Headers }> {
    const token = options.token();
    const headers: Record<string, string> = { accept: 'application/json', ...authorization() };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'NETWORK', 'Cannot reach the server. Check your connection and try again.');
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = ApiError.fromBody(response.status, parsed);
      if (token && error.isTokenSpent && !isRetry) {
        // Silent refresh: the refresh cookie buys a new access token and the request goes again, once.
        if (await options.refresh(error.code)) {
          return request<T>(method, path, body, true);
        }
        throw error;
      }
      if (token && error.isSessionEnded) {
        options.onSessionEnded(error);
      }
      throw error;
    }
    return { body: parsed as T, headers: response.headers };
  }

  async function page<T>(path: string): Promise<Page<T>> {
    const { body, headers } = await request<T[]>('GET', path);
    return { items: body, next: nextPathOf(headers) };
  }

  return {
    async options(): Promise<PublicOptions> {
      return (await request<PublicOptions>('GET', '/auth/options')).body;
    },
    async login(email: string, password: string): Promise<SessionView> {
      return (await request<SessionView>('POST', '/auth/login', { email, password })).body;
    },
    async register(input: { email: string; password: string; name: string }): Promise<SessionView> {
      return (await request<SessionView>('POST', '/auth/register', input)).body;
    },
    // Resolves once every request sent so far has its answer, or after timeoutMs.
    async settled(timeoutMs: number): Promise<void> {
      let isTimeUp = false;
      const timeUp = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs)).then(() => {
        isTimeUp = true;
      });
      // Requests sent while waiting (a view still mounted) are waited for too.
      while (inFlight.size > 0 && !isTimeUp) {
        await Promise.race([Promise.allSettled([...inFlight]), timeUp]);
      }
    },
    // Ends the session of `token` on the server. keepalive: a reload or navigation right after does not cancel it.
    async logout(token: string): Promise<void> {
      await fetch('/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` }, keepalive: true });
    },
    async logoutAll(): Promise<void> {
      await request('POST', '/auth/logout-all');
    },
    async sessions(): Promise<AuthSessionView[]> {
      return (await request<AuthSessionView[]>('GET', '/auth/sessions')).body;
    },
    async endSession(id: number): Promise<void> {
      await request('DELETE', `/auth/sessions/${id}`);
    },
    async changePassword(currentPassword: string, newPassword: string): Promise<Pick<SessionView, 'accessToken' | 'expiresAt' | 'user'>> {
      return (
        await request<Pick<SessionView, 'accessToken' | 'expiresAt' | 'user'>>('POST', '/auth/password', { currentPassword, newPassword })
      ).body;
    },
    team(nextPath?: string): Promise<Page<UserView>> {
      return page(nextPath ?? withQuery('/users', { role: 'ADMIN', limit: 200 }));
    },
    async createUser(input: { email: string; name: string; password: string; role: 'USER' | 'ADMIN' }): Promise<UserView> {
      return (await request<UserView>('POST', '/users', input)).body;
    },
    async updateUser(id: number, changes: { role?: 'USER' | 'ADMIN'; name?: string; isActive?: boolean }): Promise<UserView> {
      return (await request<UserView>('PATCH', `/users/${id}`, changes)).body;
    },
    conversations(query: ConversationQuery, nextPath?: string): Promise<Page<ConversationListItem>> {
      return page(nextPath ?? withQuery('/chat/conversations', { limit: CONVERSATION_PAGE_SIZE, ...query }));
    },
    async conversation(id: number): Promise<ConversationListItem> {
      return (await request<ConversationListItem>('GET', `/chat/conversations/${id}`)).body;
    },
    async setStatus(id: number, status: ConversationStatus): Promise<ConversationView> {
      return (await request<ConversationView>('PATCH', `/chat/conversations/${id}`, { status })).body;
    },
    async markRead(id: number): Promise<ReadReceiptView> {
      return (await request<ReadReceiptView>('POST', `/chat/conversations/${id}/read`)).body;
    },
    // Newest page first; `next` is the page of older messages. Each page is oldest → newest.
    messages(conversationId: number, olderPath?: string): Promise<Page<MessageView>> {
      return page(olderPath ?? withQuery(`/chat/conversations/${conversationId}/messages`, { limit: MESSAGE_PAGE_SIZE }));
    },
    // The page with this message in the middle; `next` is the page of older messages as usual.
    messagesAround(conversationId: number, messageId: number): Promise<Page<MessageView>> {
      return page(withQuery(`/chat/conversations/${conversationId}/messages`, { around: messageId, limit: MESSAGE_PAGE_SIZE }));
    },
    messagesAfter(conversationId: number, afterSeq: number, nextPath?: string): Promise<Page<MessageView>> {
      return page(nextPath ?? withQuery(`/chat/conversations/${conversationId}/messages`, { afterSeq, limit: NEWER_PAGE_SIZE }));
    },
    search(q: string, conversationId?: number, nextPath?: string): Promise<Page<SearchResultView>> {
      return page(nextPath ?? withQuery('/chat/search', { q, conversationId, limit: SEARCH_PAGE_SIZE }));
    },
    // Attachment bytes need the bearer token, so <img src> and plain links cannot load them.
    async download(path: string): Promise<Blob> {
      let response: Response;
      try {
        response = await fetch(path, { headers: authorization() });
      } catch {
        throw new ApiError(0, 'NETWORK', 'Cannot reach the server. Check your connection and try again.');
      }
      if (!response.ok) {
        throw new ApiError(response.status, 'UNKNOWN', `The server answered ${response.status}`);
      }
      return response.blob();
    },
    upload(file: Blob, fileName: string, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<AttachmentView> {
      return uploadFile({ file, fileName, headers: authorization(), onProgress, signal });
    },
    async pushPublicKey(): Promise<string> {
      return (await request<{ publicKey: string }>('GET', '/chat/push/vapid-public-key')).body.publicKey;
    },
    async addPushSubscription(subscription: PushSubscriptionJSON): Promise<void> {
      await request('POST', '/chat/push/subscriptions', subscription);
    },
    async removePushSubscription(endpoint: string): Promise<void> {
      await request('DELETE', '/chat/push/subscriptions', { endpoint });
    },
    async unreadCount(): Promise<UnreadCountView> {
      return (await request<UnreadCountView>('GET', '/chat/unread-count')).body;
    },
    // Agent workflow.
    async conversationCounts(status?: ConversationStatus): Promise<{ mine: number; unassigned: number; all: number }> {
      return (await request<{ mine: number; unassigned: number; all: number }>('GET', withQuery('/chat/conversations/counts', { status })))
        .body;
    },
    // Compare-and-set: fails with 409 CONFLICT when someone else changed the assignee first.
    async assign(id: number, assigneeId: number | null, expectedAssigneeId: number | null): Promise<ConversationView> {
      return (await request<ConversationView>('PATCH', `/chat/conversations/${id}`, { assigneeId, expectedAssigneeId })).body;
    },
    async cannedResponses(q: string): Promise<CannedResponseView[]> {
      return (await request<CannedResponseView[]>('GET', withQuery('/chat/canned-responses', { q, limit: 8 }))).body;
    },
    async rate(conversationId: number, score: number, comment: string): Promise<RatingView> {
      return (await request<RatingView>('POST', `/chat/conversations/${conversationId}/rating`, { score, comment: comment || undefined }))
        .body;
    },
    async reportOverview(from: string, to: string): Promise<ReportOverviewView> {
      return (await request<ReportOverviewView>('GET', withQuery('/chat/reports/overview', { from, to }))).body;
    },
    async findUsers(q: string): Promise<UserView[]> {
      return (await page<UserView>(withQuery('/users', { q, role: 'USER', limit: 10 }))).items;
    },
    async emailSettings(): Promise<EmailSettingsView> {
      return (await request<EmailSettingsView>('GET', '/chat/email/settings')).body;
    },
    async setEmailNotifications(emailNotifications: boolean): Promise<EmailSettingsView> {
      return (await request<EmailSettingsView>('PUT', '/chat/email/settings', { emailNotifications })).body;
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

// POST /auth/refresh with the HttpOnly cookie (the browser adds it; scripts never see it). Serialised across this
// browser's tabs (they share the cookie): two tabs presenting the same refresh token at once would look like a
// stolen token to the server, which then ends the session.
export async function refreshSession(): Promise<SessionView | 'ended' | 'offline'> {
  const attempt = async (): Promise<SessionView | 'ended' | 'offline'> => {
    let response: Response;
    try {
      response = await fetch('/auth/refresh', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: '{}',
      });
    } catch {
      return 'offline';
    }
    if (response.status === 401 || response.status === 400) {
      return 'ended';
    }
    if (!response.ok) {
      return 'offline';
    }
    return (await response.json()) as SessionView;
  };
  return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks.request('support-chat.refresh', attempt) : attempt();
}
