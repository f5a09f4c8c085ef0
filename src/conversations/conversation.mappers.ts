import type { ConversationRecord } from './conversation.records.js';
import type { ConversationListItem, ConversationView } from '../contract/conversations.js';
import type { MessageView } from '../contract/messages.js';

export function toConversationView(record: ConversationRecord): ConversationView {
  return {
    id: record.id,
    userId: record.userId,
    status: record.status,
    lastMessageAt: record.lastMessageAt.toISOString(),
    lastSeq: record.lastSeq,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    user: record.user,
    assignee: record.assignee,
    rating: record.rating,
  };
}

export function toConversationListItem(
  record: ConversationRecord & { unreadCount: number; lastMessage: MessageView | null },
): ConversationListItem {
  return { ...toConversationView(record), unreadCount: record.unreadCount, lastMessage: record.lastMessage };
}
