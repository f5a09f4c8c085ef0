import type { AttachmentView } from '../attachments/attachment.views.js';
import type { ConversationStatus, Role } from '../database/schema.js';

export interface MessageView {
  id: number;
  conversationId: number;
  seq: number;
  senderId: number;
  content: string;
  isRead: boolean;
  createdAt: string;
  clientMessageId: string | null;
  // A private note: only admins ever receive it.
  isPrivate: boolean;
  sender: { id: number; name: string; role: Role };
  attachments: AttachmentView[];
}

export interface ConversationView {
  id: number;
  userId: number;
  status: ConversationStatus;
  lastMessageAt: string;
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
  user: { id: number; name: string; email: string };
  assignee: { id: number; name: string } | null;
  rating: { score: number; comment: string | null; createdAt: string } | null;
}

export interface ConversationListItem extends ConversationView {
  unreadCount: number;
  lastMessage: MessageView | null;
}

export interface UnreadCountView {
  count: number;
  conversations: { conversationId: number; count: number }[];
}

export interface ReadReceiptView {
  conversationId: number;
  readerId: number;
  readAt: string;
  count: number;
}
