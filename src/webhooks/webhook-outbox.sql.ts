import { sql, type SQL } from 'drizzle-orm';

// Statement parts that write webhook events into the outbox inside the statement (or transaction) that
// makes them true: a crash between the commit and the POST loses nothing, the dispatcher sends them later.

const iso = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

// For the append statement: CTE `m` (the message), `conv` (the conversation, with previous_status).
export const messageCreatedOutboxCte: SQL = sql`,
  hook as (
    insert into webhook_outbox (event, payload)
    select 'message.created', jsonb_build_object(
        'message', jsonb_build_object('id', m.id, 'conversationId', m.conversation_id, 'seq', m.seq, 'senderId', m.sender_id,
          'content', m.content, 'isRead', m.is_read, 'createdAt', ${iso('m.created_at')}, 'clientMessageId', m.client_message_id,
          'sender', jsonb_build_object('id', ws.id, 'name', ws.name, 'role', ws.role)),
        'conversation', jsonb_build_object('id', conv.id, 'userId', conv.user_id, 'status', 'ACTIVE', 'lastSeq', conv.last_seq))
      from m join conv on conv.id = m.conversation_id join users ws on ws.id = m.sender_id
    union all
    select 'conversation.updated', jsonb_build_object(
        'conversation', jsonb_build_object('id', conv.id, 'userId', conv.user_id, 'status', 'ACTIVE', 'previousStatus', conv.previous_status))
      from conv where conv.previous_status <> 'ACTIVE'
  )`;

export function conversationEventStatement(event: 'conversation.created' | 'conversation.updated', conversationId: number): SQL {
  return sql`insert into webhook_outbox (event, payload)
    select ${event}, jsonb_build_object('conversation', jsonb_build_object('id', c.id, 'userId', c.user_id, 'status', c.status,
      'lastSeq', c.last_seq, 'createdAt', ${iso('c.created_at')}, 'updatedAt', ${iso('c.updated_at')},
      'user', jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email)))
    from chat_conversation c join users u on u.id = c.user_id where c.id = ${conversationId}`;
}
