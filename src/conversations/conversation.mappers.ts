import { toAttachmentView } from '../attachments/attachment.views.js';
import type { ConversationRecord, MessageRecord } from './conversation.records.js';
import type { ConversationListItem, ConversationView } from '../contract/conversations.js';
import type { MessageView } from '../contract/messages.js';

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
  };
}

export function toConversationListItem(
  record: ConversationRecord,
  unreadCount: number,
  lastMessage: MessageRecord | undefined,
): ConversationListItem {
  return { ...toConversationView(record), unreadCount, lastMessage: lastMessage ? toMessageView(lastMessage) : null };
}
