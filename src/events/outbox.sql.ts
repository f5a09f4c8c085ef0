import { sql, type SQL } from 'drizzle-orm';
import { conversationJson, isoTimestamp, messageJson } from '../database/view-json.sql.js';

// The durable side of the domain events: statement parts that write an event into the outbox inside the
// statement (or transaction) that makes it true, so a crash between the commit and the delivery loses nothing.
// The webhook dispatcher delivers the rows; the payloads use the one SQL definition of each view.

// A conversation in a webhook payload: its view without lastMessageAt (the payloads' shape since they exist).
const conversationPayload = (c: string, u: string) => sql`(${conversationJson(c, u)}::jsonb - 'lastMessageAt')`;

// For the append statement: CTE `m` (the message) and `conv` (the conversation after the update, with
// previous_status). A message with attachments gets its message.created after they are claimed
// (messageCreatedEventStatement), so that the event carries them.
export function appendOutboxCte(options: { includeMessage: boolean }): SQL {
  const message = options.includeMessage
    ? sql`select 'message.created', jsonb_build_object(
          'message', ${messageJson('m', 'ws')},
          'conversation', jsonb_build_object('id', conv.id, 'userId', conv.user_id, 'status', conv.status, 'lastSeq', conv.last_seq))
        from m join conv on conv.id = m.conversation_id join users ws on ws.id = m.sender_id
      union all`
    : sql``;
  return sql`,
  hook as (
    insert into webhook_outbox (event, payload)
    ${message}
    select 'conversation.updated', jsonb_build_object(
        'conversation', ${conversationPayload('conv', 'wu')} || jsonb_build_object('previousStatus', conv.previous_status))
      from conv join users wu on wu.id = conv.user_id where conv.previous_status <> conv.status
  )`;
}

// For the batch append statement: CTE `m` (the messages) and `conv` (their conversations, all ACTIVE before
// and after: a batch never changes a status, so there is no conversation.updated). lastSeq is the message's
// own seq, the conversation's last_seq just after it, as the single append reports it.
export function appendBatchOutboxCte(): SQL {
  return sql`,
  hook as (
    insert into webhook_outbox (event, payload)
    select 'message.created', jsonb_build_object(
        'message', ${messageJson('m', 'ws')},
        'conversation', jsonb_build_object('id', conv.id, 'userId', conv.user_id, 'status', conv.status, 'lastSeq', m.seq))
      from m join conv on conv.id = m.conversation_id join users ws on ws.id = m.sender_id
     order by m.id
  )`;
}

export function messageCreatedEventStatement(messageId: number): SQL {
  return sql`insert into webhook_outbox (event, payload)
    select 'message.created', jsonb_build_object(
        'message', ${messageJson('m', 's')},
        'conversation', jsonb_build_object('id', c.id, 'userId', c.user_id, 'status', c.status, 'lastSeq', c.last_seq))
      from chat_message m join chat_conversation c on c.id = m.conversation_id join users s on s.id = m.sender_id
      where m.id = ${messageId}`;
}

export function conversationEventStatement(event: 'conversation.created' | 'conversation.updated', conversationId: number): SQL {
  return sql`insert into webhook_outbox (event, payload)
    select ${event}, jsonb_build_object('conversation', ${conversationPayload('c', 'u')})
    from chat_conversation c join users u on u.id = c.user_id where c.id = ${conversationId}`;
}

// conversation.assigned: the conversation with its new assignee, who had it before, and who decided
// (null: the server, by auto-assignment or reassignment after the assignee went offline).
export function conversationAssignedEventStatement(
  conversationId: number,
  previousAssigneeId: number | null,
  assignedById: number | null,
): SQL {
  return sql`insert into webhook_outbox (event, payload)
    select 'conversation.assigned', jsonb_build_object('conversation', ${conversationPayload('c', 'u')},
      'previousAssigneeId', ${previousAssigneeId}::int,
      'assignedBy', (select jsonb_build_object('id', b.id, 'name', b.name) from users b where b.id = ${assignedById}::int))
    from chat_conversation c join users u on u.id = c.user_id where c.id = ${conversationId}`;
}

// conversation.rated: the rating and the conversation it belongs to.
export function conversationRatedEventStatement(ratingId: number): SQL {
  return sql`insert into webhook_outbox (event, payload)
    select 'conversation.rated', jsonb_build_object(
      'rating', jsonb_build_object('score', r.score, 'comment', r.comment, 'createdAt', ${isoTimestamp('r.created_at')}, 'userId', r.user_id),
      'conversation', ${conversationPayload('c', 'u')})
    from chat_rating r join chat_conversation c on c.id = r.conversation_id join users u on u.id = c.user_id where r.id = ${ratingId}`;
}
