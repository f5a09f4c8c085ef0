import { sql, type SQL } from 'drizzle-orm';

// Statement parts that write webhook events into the outbox inside the statement (or transaction) that
// makes them true: a crash between the commit and the POST loses nothing, the dispatcher sends them later.

const iso = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

const attachmentsJson = (messageAlias: string) =>
  sql.raw(`coalesce((select jsonb_agg(jsonb_build_object('id', a.id, 'fileName', a.file_name, 'contentType', a.content_type,
      'size', a.size, 'width', a.width, 'height', a.height, 'url', '/chat/attachments/' || a.id,
      'thumbnailUrl', case when a.thumbnail_key is null then null else '/chat/attachments/' || a.id || '/thumbnail' end)
      order by a.created_at, a.id) from chat_attachment a where a.message_id = ${messageAlias}.id), '[]'::jsonb)`);

const messageJson = (m: string, sender: string) =>
  sql.raw(`jsonb_build_object('id', ${m}.id, 'conversationId', ${m}.conversation_id, 'seq', ${m}.seq, 'senderId', ${m}.sender_id,
    'content', ${m}.content, 'isRead', ${m}.is_read, 'createdAt', to_char(${m}.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'clientMessageId', ${m}.client_message_id, 'isPrivate', ${m}.is_private, 'sender', jsonb_build_object('id', ${sender}.id, 'name', ${sender}.name, 'role', ${sender}.role))`);

// For the append statement: CTE `m` (the message) and `conv` (the conversation after the update, with
// previous_status). A message with attachments gets its message.created after they are claimed
// (messageCreatedEventStatement), so that the event carries them.
export function appendOutboxCte(options: { includeMessage: boolean }): SQL {
  const message = options.includeMessage
    ? sql`select 'message.created', jsonb_build_object(
          'message', ${messageJson('m', 'ws')} || jsonb_build_object('attachments', '[]'::jsonb),
          'conversation', jsonb_build_object('id', conv.id, 'userId', conv.user_id, 'status', conv.status, 'lastSeq', conv.last_seq))
        from m join conv on conv.id = m.conversation_id join users ws on ws.id = m.sender_id
      union all`
    : sql``;
  return sql`,
  hook as (
    insert into webhook_outbox (event, payload)
    ${message}
    select 'conversation.updated', jsonb_build_object(
        'conversation', jsonb_build_object('id', conv.id, 'userId', conv.user_id, 'status', 'ACTIVE', 'previousStatus', conv.previous_status,
          'lastSeq', conv.last_seq, 'createdAt', ${iso('conv.created_at')}, 'updatedAt', ${iso('conv.updated_at')},
          'user', jsonb_build_object('id', wu.id, 'name', wu.name, 'email', wu.email)))
      from conv join users wu on wu.id = conv.user_id where conv.previous_status <> conv.status
  )`;
}

export function messageCreatedEventStatement(messageId: number): SQL {
  return sql`insert into webhook_outbox (event, payload)
    select 'message.created', jsonb_build_object(
        'message', ${messageJson('m', 's')} || jsonb_build_object('attachments', ${attachmentsJson('m')}),
        'conversation', jsonb_build_object('id', c.id, 'userId', c.user_id, 'status', c.status, 'lastSeq', c.last_seq))
      from chat_message m join chat_conversation c on c.id = m.conversation_id join users s on s.id = m.sender_id
      where m.id = ${messageId}`;
}

export function conversationEventStatement(event: 'conversation.created' | 'conversation.updated', conversationId: number): SQL {
  return sql`insert into webhook_outbox (event, payload)
    select ${event}, jsonb_build_object('conversation', jsonb_build_object('id', c.id, 'userId', c.user_id, 'status', c.status,
      'lastSeq', c.last_seq, 'createdAt', ${iso('c.created_at')}, 'updatedAt', ${iso('c.updated_at')},
      'user', jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email)))
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
    select 'conversation.assigned', jsonb_build_object('conversation', jsonb_build_object('id', c.id, 'userId', c.user_id,
      'status', c.status, 'lastSeq', c.last_seq, 'createdAt', ${iso('c.created_at')}, 'updatedAt', ${iso('c.updated_at')},
      'user', jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email),
      'assignee', (select jsonb_build_object('id', a.id, 'name', a.name) from users a where a.id = c.assignee_id)),
      'previousAssigneeId', ${previousAssigneeId}::int,
      'assignedBy', (select jsonb_build_object('id', b.id, 'name', b.name) from users b where b.id = ${assignedById}::int))
    from chat_conversation c join users u on u.id = c.user_id where c.id = ${conversationId}`;
}

// conversation.rated: the rating and the conversation it belongs to.
export function conversationRatedEventStatement(ratingId: number): SQL {
  return sql`insert into webhook_outbox (event, payload)
    select 'conversation.rated', jsonb_build_object(
      'rating', jsonb_build_object('score', r.score, 'comment', r.comment, 'createdAt', ${iso('r.created_at')}, 'userId', r.user_id),
      'conversation', jsonb_build_object('id', c.id, 'userId', c.user_id, 'status', c.status, 'lastSeq', c.last_seq,
        'createdAt', ${iso('c.created_at')}, 'updatedAt', ${iso('c.updated_at')},
        'user', jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email),
        'assignee', (select jsonb_build_object('id', a.id, 'name', a.name) from users a where a.id = c.assignee_id)))
    from chat_rating r join chat_conversation c on c.id = r.conversation_id join users u on u.id = c.user_id where r.id = ${ratingId}`;
}
