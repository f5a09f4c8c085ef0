import { toAttachmentView } from '../attachments/attachment.views.js';
import type { ConversationRecord, MessageRecord } from './conversation.records.js';
import type { ConversationListItem, ConversationView, MessageView } from './conversation.views.js';

export function toMessageView(record: MessageRecord): MessageView {
  return {
    id: record.id,
    conversationId: record.conversationId,
    seq: record.seq,
    senderId: record.senderId,
    content: record.content,
    isRead: record.isRead,
    createdAt: record.createdAt.toISOString(),
    clientMessageId: record.clientMessageId,
    isPrivate: record.isPrivate,
    sender: record.sender,
    attachments: record.attachments.map(toAttachmentView),
  };
}

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
  record: ConversationRecord,
  unreadCount: number,
  lastMessage: MessageRecord | undefined,
): ConversationListItem {
  return { ...toConversationView(record), unreadCount, lastMessage: lastMessage ? toMessageView(lastMessage) : null };
}
