import { sql, type SQL } from 'drizzle-orm';
import type { AttachmentSummary } from '../attachments/attachment.views.js';
import type { ConversationStatus, Role } from '../database/schema.js';

// Plain records the repositories hand to services; views (JSON) are made from them in one place.
export interface ConversationRecord {
  id: number;
  userId: number;
  status: ConversationStatus;
  lastMessageAt: Date;
  lastSeq: number;
  createdAt: Date;
  updatedAt: Date;
  user: { id: number; name: string; email: string };
  assignee: { id: number; name: string } | null;
  // The rating of the latest closing (null until the user rates it; a new closing starts without one).
  rating: RatingSummary | null;
}

export interface RatingSummary {
  score: number;
  comment: string | null;
  createdAt: string;
}

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

export interface ConversationRow {
  id: number;
  user_id: number;
  status: ConversationStatus;
  last_message_at_ms: number;
  last_seq: number;
  created_at_ms: number;
  updated_at_ms: number;
  user_name: string;
  user_email: string;
  assignee: { id: number; name: string } | null;
  rating: RatingSummary | null;
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

const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);

// Columns of chat_conversation aliased `c` joined with its user as `u`.
export const conversationColumns: SQL = sql`c.id, c.user_id, c.status, ${ms('c.last_message_at')} as last_message_at_ms, c.last_seq,
  ${ms('c.created_at')} as created_at_ms, ${ms('c.updated_at')} as updated_at_ms, u.name as user_name, u.email as user_email,
  (select json_build_object('id', a.id, 'name', a.name) from users a where a.id = c.assignee_id) as assignee,
  (select json_build_object('score', r.score, 'comment', r.comment,
      'createdAt', to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    from chat_rating r where r.conversation_id = c.id and r.closing = c.close_count) as rating`;

// Columns of chat_message aliased `m` joined with its sender as `s`.
export const messageColumns: SQL = sql`m.id, m.conversation_id, m.seq, m.sender_id, m.content, m.is_read,
  ${ms('m.created_at')} as created_at_ms, m.client_message_id, m.is_private, s.name as sender_name, s.role as sender_role,
  (select json_agg(json_build_object('id', a.id, 'fileName', a.file_name, 'contentType', a.content_type, 'size', a.size,
      'width', a.width, 'height', a.height, 'hasThumbnail', a.thumbnail_key is not null) order by a.created_at, a.id)
    from chat_attachment a where a.message_id = m.id) as attachments`;

export function toConversationRecord(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status,
    lastMessageAt: new Date(row.last_message_at_ms),
    lastSeq: row.last_seq,
    createdAt: new Date(row.created_at_ms),
    updatedAt: new Date(row.updated_at_ms),
    user: { id: row.user_id, name: row.user_name, email: row.user_email },
    assignee: row.assignee,
    rating: row.rating,
  };
}

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
