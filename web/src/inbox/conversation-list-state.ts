import type { ConversationStatus } from '../api/api-client.js';
import type { ConversationListItem, ConversationView } from '@contract/conversations';

export interface ListFilter {
  status?: ConversationStatus;
  q: string;
}

// The server's order: newest activity first.
export function byActivity(a: ConversationListItem, b: ConversationListItem): number {
  return Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt) || b.id - a.id;
}

// Live arrivals are checked here the way the server filters the list (status, part of name or email).
export function matchesFilter(item: ConversationView, filter: ListFilter): boolean {
  const q = filter.q.trim().toLowerCase();
  const isStatusMatch = !filter.status || item.status === filter.status;
  return isStatusMatch && (!q || item.user.name.toLowerCase().includes(q) || item.user.email.toLowerCase().includes(q));
}
