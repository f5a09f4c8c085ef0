import { sql, type SQL } from 'drizzle-orm';
import type { Role } from '../contract/common.js';
import type { AttachmentView, MessageView } from '../contract/messages.js';
import { epochMs } from '../database/raw-rows.js';

// A message as the repository hands it to services; its view (JSON) is made by toMessageView only.
export interface MessageRecord {
  id: number;
  conversationId: number;
  seq: number;
  senderId: number;
  content: string;
  isRead: boolean;
  createdAt: Date;
  clientMessageId: string | null;
  isPrivate: boolean;
  sender: { id: number; name: string; role: Role };
  attachments: AttachmentSummary[];
}

export interface MessageRow {
  id: number;
  conversation_id: number;
  seq: number;
  sender_id: number;
  content: string;
  is_read: boolean;
  created_at_ms: number;
  client_message_id: string | null;
  is_private: boolean;
  sender_name: string;
  sender_role: Role;
  attachments: AttachmentSummary[] | null;
}

export interface AttachmentSummary {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
}

export function toAttachmentView(summary: AttachmentSummary): AttachmentView {
  return {
    id: summary.id,
    fileName: summary.fileName,
    contentType: summary.contentType,
    size: summary.size,
    width: summary.width,
    height: summary.height,
    url: `/chat/attachments/${summary.id}`,
    thumbnailUrl: summary.hasThumbnail ? `/chat/attachments/${summary.id}/thumbnail` : null,
  };
}

// Columns of chat_message aliased `m` joined with its sender as `s`.
export const messageColumns: SQL = sql`m.id, m.conversation_id, m.seq, m.sender_id, m.content, m.is_read,
  ${epochMs('m.created_at')} as created_at_ms, m.client_message_id, m.is_private, s.name as sender_name, s.role as sender_role,
  (select json_agg(json_build_object('id', a.id, 'fileName', a.file_name, 'contentType', a.content_type, 'size', a.size,
      'width', a.width, 'height', a.height, 'hasThumbnail', a.thumbnail_key is not null) order by a.created_at, a.id)
    from chat_attachment a where a.message_id = m.id) as attachments`;

export function toMessageRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    content: row.content,
    isRead: row.is_read,
    createdAt: new Date(row.created_at_ms),
    clientMessageId: row.client_message_id,
    isPrivate: row.is_private,
    sender: { id: row.sender_id, name: row.sender_name, role: row.sender_role },
    attachments: row.attachments ?? [],
  };
}

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
