import { sql, type SQL } from 'drizzle-orm';
import { epochMs } from '../database/raw-rows.js';
import type { ConversationStatus } from '../contract/common.js';

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

// Columns of chat_conversation aliased `c` joined with its user as `u`.
export const conversationColumns: SQL = sql`c.id, c.user_id, c.status, ${epochMs('c.last_message_at')} as last_message_at_ms, c.last_seq,
  ${epochMs('c.created_at')} as created_at_ms, ${epochMs('c.updated_at')} as updated_at_ms, u.name as user_name, u.email as user_email,
  (select json_build_object('id', a.id, 'name', a.name) from users a where a.id = c.assignee_id) as assignee,
  (select json_build_object('score', r.score, 'comment', r.comment,
      'createdAt', to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    from chat_rating r where r.conversation_id = c.id and r.closing = c.close_count) as rating`;

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
