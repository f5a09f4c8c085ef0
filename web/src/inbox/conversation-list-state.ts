import type { ConversationStatus } from '../api/api-client.js';
import type { ConversationListItem, ConversationView } from '@contract/conversations';

export interface ListFilter {
  status?: ConversationStatus;
  q: string;
  // Mine (the viewer's id) or unassigned; undefined: all.
  assignee?: { kind: 'me'; viewerId: number } | { kind: 'none' };
}

export function matchesAssignee(item: ConversationView, filter: ListFilter): boolean {
  switch (filter.assignee?.kind) {
    case undefined:
      return true;
    case 'me':
      return item.assignee?.id === filter.assignee.viewerId;
    case 'none':
      return item.assignee === null;
  }
}

// The server's order: newest activity first.
export function byActivity(a: ConversationListItem, b: ConversationListItem): number {
  return Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt) || b.id - a.id;
}

// Live arrivals are checked here the way the server filters the list (status, part of name or email).
export function matchesFilter(item: ConversationView, filter: ListFilter): boolean {
  const q = filter.q.trim().toLowerCase();
  const isStatusMatch = !filter.status || item.status === filter.status;
  return (
    isStatusMatch &&
    matchesAssignee(item, filter) &&
    (!q || item.user.name.toLowerCase().includes(q) || item.user.email.toLowerCase().includes(q))
  );
}
