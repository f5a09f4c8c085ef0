import type { ConversationStatus } from '../api/api-client.js';
import type { ConversationListItem, ConversationView } from '@contract/conversations';
import type { MessageView } from '@contract/messages';
import { isFresher, laterOf } from '../conversations/freshness.js';

export interface ListFilter {
  status?: ConversationStatus;
  q: string;
}

// The server's order: newest activity first.
function byActivity(a: ConversationListItem, b: ConversationListItem): number {
  return Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt) || b.id - a.id;
}

// Live arrivals are checked here the way the server filters the list (status, part of name or email).
export function matchesFilter(item: ConversationView, filter: ListFilter): boolean {
  const q = filter.q.trim().toLowerCase();
  const isStatusMatch = !filter.status || item.status === filter.status;
  return isStatusMatch && (!q || item.user.name.toLowerCase().includes(q) || item.user.email.toLowerCase().includes(q));
}

// Two copies of one conversation: the fresher state, with the later of their last messages.
function mergeCopies(a: ConversationListItem, b: ConversationListItem): ConversationListItem {
  const fresher = isFresher(b, a) ? b : a;
  const latest = (b.lastMessage?.seq ?? 0) >= (a.lastMessage?.seq ?? 0) ? b : a;
  return { ...fresher, lastMessage: latest.lastMessage, lastMessageAt: latest.lastMessageAt, lastSeq: Math.max(a.lastSeq, b.lastSeq) };
}

// Adds or refreshes one conversation, keeping the list in activity order.
export function upsertConversation(items: ConversationListItem[], item: ConversationListItem): ConversationListItem[] {
  const known = items.find((candidate) => candidate.id === item.id);
  const merged = known ? mergeCopies(known, item) : item;
  return [...items.filter((candidate) => candidate.id !== item.id), merged].sort(byActivity);
}

export function withMessage(item: ConversationListItem, message: MessageView): ConversationListItem {
  if (item.lastMessage && item.lastMessage.seq >= message.seq) {
    return item;
  }
  return {
    ...item,
    lastMessage: message,
    lastMessageAt: laterOf(message.createdAt, item.lastMessageAt),
    lastSeq: Math.max(item.lastSeq, message.seq),
    updatedAt: laterOf(message.createdAt, item.updatedAt),
  };
}

export function withConversation(item: ConversationListItem, conversation: ConversationView): ConversationListItem {
  return mergeCopies(item, { ...item, ...conversation });
}

export function appendPage(items: ConversationListItem[], page: ConversationListItem[]): ConversationListItem[] {
  const known = new Set(items.map((item) => item.id));
  return [...items, ...page.filter((item) => !known.has(item.id))];
}
