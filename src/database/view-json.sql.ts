import { sql, type SQL } from 'drizzle-orm';

// The message and conversation JSON that SQL builds itself (webhook outbox rows, a conversation's last message),
// defined once, in the key order of the contract's views (json, not jsonb, keeps it): the same message looks
// the same in a webhook payload, a list's lastMessage and a socket event. A test compares them field for field.

const iso = (expression: string) => `to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const isoTimestamp = (expression: string): SQL => sql.raw(iso(expression));

// The attachments of message alias `m`, as AttachmentView[] (URLs relative to the chat's origin).
const attachmentsJson = (m: string) =>
  `coalesce((select json_agg(json_build_object('id', a.id, 'fileName', a.file_name, 'contentType', a.content_type,
      'size', a.size, 'width', a.width, 'height', a.height, 'url', '/chat/attachments/' || a.id,
      'thumbnailUrl', case when a.thumbnail_key is null then null else '/chat/attachments/' || a.id || '/thumbnail' end)
      order by a.created_at, a.id) from chat_attachment a where a.message_id = ${m}.id), '[]'::json)`;

// MessageView of chat_message alias `m` sent by users alias `s`.
export const messageJson = (m: string, s: string): SQL =>
  sql.raw(`json_build_object('id', ${m}.id, 'conversationId', ${m}.conversation_id, 'seq', ${m}.seq, 'senderId', ${m}.sender_id,
    'content', ${m}.content, 'isRead', ${m}.is_read, 'createdAt', ${iso(`${m}.created_at`)}, 'clientMessageId', ${m}.client_message_id,
    'isPrivate', ${m}.is_private, 'sender', json_build_object('id', ${s}.id, 'name', ${s}.name, 'role', ${s}.role), 'attachments', ${attachmentsJson(m)})`);

// ConversationView of chat_conversation alias `c` owned by users alias `u`.
export const conversationJson = (c: string, u: string): SQL =>
  sql.raw(`json_build_object('id', ${c}.id, 'userId', ${c}.user_id, 'status', ${c}.status, 'lastMessageAt', ${iso(`${c}.last_message_at`)},
    'lastSeq', ${c}.last_seq, 'createdAt', ${iso(`${c}.created_at`)}, 'updatedAt', ${iso(`${c}.updated_at`)},
    'user', json_build_object('id', ${u}.id, 'name', ${u}.name, 'email', ${u}.email),
    'assignee', (select json_build_object('id', a.id, 'name', a.name) from users a where a.id = ${c}.assignee_id),
    'rating', (select json_build_object('score', r.score, 'comment', r.comment, 'createdAt', ${iso('r.created_at')})
      from chat_rating r where r.conversation_id = ${c}.id and r.closing = ${c}.close_count))`);
