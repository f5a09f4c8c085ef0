import { Inject, Injectable } from '@nestjs/common';
import { sql, type SQL } from 'drizzle-orm';
import { type ConversationStatus } from '../database/schema.js';
import { DATABASE, type Database } from '../database/database.js';
import { isUniqueViolation } from '../database/database-errors.js';
import { intArrayLiteral, preparedRows, rawRows } from '../database/raw-rows.js';
import { type MessageRecord, type MessageRow, messageColumns, toMessageRecord } from './message.records.js';
import { unreadCondition, type UnreadSide } from '../conversations/conversations.repository.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { appendBatchOutboxCte, appendOutboxCte, conversationEventStatement, messageCreatedEventStatement } from '../events/outbox.sql.js';

export interface NewMessage {
  senderId: number;
  content: string;
  clientMessageId?: string;
  attachmentIds: string[];
  isPrivate: boolean;
}

export interface AppendResult {
  message: MessageRecord;
  conversationUserId: number;
  previousStatus: ConversationStatus;
  isNewConversation: boolean;
}

// One message of a batch: into an existing conversation, without attachments (see appendBatch).
export interface BatchedMessage {
  conversationId: number;
  message: NewMessage;
}

export class DuplicateClientMessageError extends Error {}
export class ReopenConflictError extends Error {}
export class AttachmentsUnavailableError extends Error {}

// seq is given out under the conversation row lock (the UPDATE), in the statement that inserts the
// message, so a larger seq never commits before a smaller one and a whole send is one round trip.
// A private note takes the next seq too (so the user sees a gap) but neither reopens the conversation nor
// moves its activity time: nothing the user can see changes because of it.
const appendStatement = (conversationId: number, message: NewMessage, withWebhooks: boolean): SQL => sql`
  with old as (select id, status from chat_conversation where id = ${conversationId} for update),
  conv as (
    update chat_conversation c
       set last_seq = c.last_seq + 1${message.isPrivate ? sql`` : sql`, last_message_at = now(), updated_at = now(), status = 'ACTIVE'`},
           ${unreadCounterIncrement(message)}
      from old where c.id = old.id
    returning c.id, c.user_id, c.status, c.last_seq, c.last_message_at, c.created_at, c.updated_at, c.assignee_id, c.close_count,
      ${message.isPrivate ? sql`c.status` : sql`old.status`} as previous_status
  ),
  m as (
    insert into chat_message (conversation_id, sender_id, content, seq, client_message_id, is_private)
    select conv.id, ${message.senderId}, ${message.content}, conv.last_seq, ${message.clientMessageId ?? null}::uuid, ${message.isPrivate}
      from conv
    returning *
  )${withWebhooks ? appendOutboxCte({ includeMessage: message.attachmentIds.length === 0 }) : sql``}
  select ${messageColumns}, conv.previous_status, conv.user_id as conversation_user_id
    from m join conv on conv.id = m.conversation_id join users s on s.id = m.sender_id`;

// The side that has not read the new message yet: admins for the user's own, the user for an admin's reply
// (never for a private note, which the user does not see).
const unreadCounterIncrement = (message: NewMessage): SQL =>
  message.isPrivate
    ? sql`unread_by_admins = c.unread_by_admins`
    : sql`unread_by_admins = c.unread_by_admins + (case when c.user_id = ${message.senderId} then 1 else 0 end),
          unread_by_user = c.unread_by_user + (case when c.user_id = ${message.senderId} then 0 else 1 end)`;

// Group commit: many sends, from any conversations, in one statement and one commit. The items arrive as one
// JSON parameter (one fixed text per shape, so it can be prepared once); `ord` is their arrival order.
// - Conversations are locked in id order, so two batches never deadlock on each other.
// - Only ACTIVE conversations are appended to: a closed one needs the reopen rules (and may conflict), which the
//   single append has. All items of a skipped conversation are skipped, so none overtakes another.
// - A retry of a stored send (same sender and clientMessageId) and a second copy within the batch are skipped
//   before numbering, so seq stays gap-free; the single append then answers them with the first row.
// - seq is numbered per conversation in arrival order under the row lock, as in the single append.
// A skipped item gets no row back; its caller sends it through the single append, which gives the usual answer.
const appendBatchStatement = (items: BatchedMessage[], withWebhooks: boolean): SQL => sql`
  with input as (
    select i.*, min(i.ord) over (partition by i.sender_id, i.client_message_id) as first_ord
      from jsonb_to_recordset(${JSON.stringify(items.map(toBatchInput))}::jsonb)
        as i(ord int, conversation_id int, sender_id int, content text, client_message_id uuid, is_private boolean)
  ),
  locked as (
    select c.id, c.user_id from chat_conversation c
     where c.id in (select conversation_id from input) and c.status = 'ACTIVE'
     order by c.id
       for update
  ),
  fresh as (
    select i.ord, i.conversation_id, i.sender_id, i.content, i.client_message_id, i.is_private, l.user_id,
           row_number() over (partition by i.conversation_id order by i.ord)::int as n
      from input i join locked l on l.id = i.conversation_id
     where i.client_message_id is null
        or (i.ord = i.first_ord
            and not exists (select 1 from chat_message x where x.sender_id = i.sender_id and x.client_message_id = i.client_message_id))
  ),
  conv as (
    update chat_conversation c
       set last_seq = c.last_seq + k.added,
           last_message_at = case when k.visible > 0 then now() else c.last_message_at end,
           updated_at = case when k.visible > 0 then now() else c.updated_at end,
           unread_by_admins = c.unread_by_admins + k.from_user,
           unread_by_user = c.unread_by_user + k.visible - k.from_user
      from (select f.conversation_id, count(*)::int as added,
                   (count(*) filter (where not f.is_private))::int as visible,
                   (count(*) filter (where not f.is_private and f.sender_id = f.user_id))::int as from_user
              from fresh f group by f.conversation_id) k
     where c.id = k.conversation_id
    returning c.id, c.user_id, c.status, c.last_seq - k.added as seq_before
  ),
  m as (
    insert into chat_message (conversation_id, sender_id, content, seq, client_message_id, is_private)
    select f.conversation_id, f.sender_id, f.content, conv.seq_before + f.n, f.client_message_id, f.is_private
      from fresh f join conv on conv.id = f.conversation_id
     order by f.ord
    returning *
  )${withWebhooks ? appendBatchOutboxCte() : sql``}
  select ${messageColumns}, f.ord, conv.user_id as conversation_user_id
    from m join conv on conv.id = m.conversation_id
    join fresh f on f.conversation_id = m.conversation_id and f.n = m.seq - conv.seq_before
    join users s on s.id = m.sender_id`;

// What the drivers store for the single append: UTF-8, a lone surrogate replaced by U+FFFD. JSON.stringify would
// escape it instead, and jsonb refuses that escape, which would fail the whole batch.
const wellFormed = (text: string): string => (/[\uD800-\uDFFF]/.test(text) ? Buffer.from(text, 'utf8').toString('utf8') : text);

const toBatchInput = (item: BatchedMessage, ord: number) => ({
  ord,
  conversation_id: item.conversationId,
  sender_id: item.message.senderId,
  content: wellFormed(item.message.content),
  client_message_id: item.message.clientMessageId ?? null,
  is_private: item.message.isPrivate,
});

// Reads for the conversation's user leave private notes out; admins see them.
const visible = (includePrivate: boolean): SQL => (includePrivate ? sql`true` : sql`not m.is_private`);

// What, besides its messages' rows, can change a history page without changing its senders: last_seq moves
// with every append (message, note, and the attachments claimed in its transaction), and each unread counter
// goes down by exactly the number of messages a read marked (is_read only ever goes from false to true).
const pageStateColumns = sql`c.last_seq as state_last_seq, c.unread_by_admins as state_unread_by_admins,
  c.unread_by_user as state_unread_by_user`;

interface HistoryPageStateRow {
  state_last_seq: number;
  state_unread_by_admins: number;
  state_unread_by_user: number;
}

// Compared for equality only.
export type HistoryPageState = string;

// A cached page to check: its conversation and the senders it shows.
export interface HistoryPageCheck {
  conversationId: number;
  senderIds: number[];
}

// [id, name, role] of a sender, as a page shows it.
export type SenderStamp = [number, string, string];

const toHistoryPageState = (row: HistoryPageStateRow): HistoryPageState =>
  `${row.state_last_seq}/${row.state_unread_by_admins}/${row.state_unread_by_user}`;

type AppendRow = MessageRow & { previous_status: ConversationStatus; conversation_user_id: number };
type BatchRow = MessageRow & { ord: number; conversation_user_id: number };

@Injectable()
export class MessagesRepository {
  private readonly withWebhooks: boolean;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.withWebhooks = config.webhook !== undefined;
  }

  // Undefined when the conversation does not exist.
  async append(conversationId: number, message: NewMessage): Promise<AppendResult | undefined> {
    try {
      if (message.attachmentIds.length === 0) {
        const [row] = await preparedRows<AppendRow>(this.db, appendStatement(conversationId, message, this.withWebhooks));
        return row && this.toAppendResult(row, false);
      }
      return await this.db.transaction(async (tx) => {
        const [row] = await preparedRows<AppendRow>(tx, appendStatement(conversationId, message, this.withWebhooks));
        return row && (await this.withAttachments(tx, this.toAppendResult(row, false), message));
      });
    } catch (error) {
      throw this.translate(error);
    }
  }

  // One entry per item, in order: its result, or undefined when the batch skipped it (conversation missing or
  // not ACTIVE, a duplicate clientMessageId): the caller sends those through append. Raises when the statement
  // fails as a whole (it then stored nothing).
  async appendBatch(items: BatchedMessage[]): Promise<(AppendResult | undefined)[]> {
    const rows = await preparedRows<BatchRow>(this.db, appendBatchStatement(items, this.withWebhooks));
    const results: (AppendResult | undefined)[] = items.map(() => undefined);
    for (const row of rows) {
      results[row.ord] = {
        message: toMessageRecord(row),
        conversationUserId: row.conversation_user_id,
        previousStatus: 'ACTIVE',
        isNewConversation: false,
      };
    }
    return results;
  }

  // The user's ACTIVE conversation, created if there is none, and the message, in one transaction:
  // never a conversation without its first message.
  async appendToActiveConversation(userId: number, message: NewMessage): Promise<AppendResult> {
    try {
      return await this.db.transaction(async (tx) => {
        const created = await rawRows<{ id: number }>(
          tx,
          sql`insert into chat_conversation (user_id) values (${userId})
              on conflict (user_id) where status = 'ACTIVE' do nothing returning id`,
        );
        const conversationId =
          created[0]?.id ??
          (await rawRows<{ id: number }>(tx, sql`select id from chat_conversation where user_id = ${userId} and status = 'ACTIVE'`))[0]?.id;
        if (conversationId === undefined) {
          throw new Error(`no ACTIVE conversation for user ${userId} after insert`);
        }
        if (created.length > 0 && this.withWebhooks) {
          await tx.execute(conversationEventStatement('conversation.created', conversationId));
        }
        const [row] = await preparedRows<AppendRow>(tx, appendStatement(conversationId, message, this.withWebhooks));
        if (!row) {
          throw new Error(`conversation ${conversationId} vanished during append`);
        }
        return this.withAttachments(tx, this.toAppendResult(row, created.length > 0), message);
      });
    } catch (error) {
      throw this.translate(error);
    }
  }

  // Claims the sender's own unattached uploads for the message, in the message's transaction: all or none.
  private async withAttachments(tx: Database, result: AppendResult, message: NewMessage): Promise<AppendResult> {
    if (message.attachmentIds.length === 0) {
      return result;
    }
    const ids = sql.join(
      message.attachmentIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    const claimed = await rawRows<{ id: string }>(
      tx,
      sql`update chat_attachment set message_id = ${result.message.id}
          where id in (${ids}) and uploader_id = ${message.senderId} and message_id is null returning id`,
    );
    if (claimed.length !== message.attachmentIds.length) {
      throw new AttachmentsUnavailableError();
    }
    if (this.withWebhooks) {
      await tx.execute(messageCreatedEventStatement(result.message.id));
    }
    const [row] = await rawRows<MessageRow>(
      tx,
      sql`select ${messageColumns} from chat_message m join users s on s.id = m.sender_id where m.id = ${result.message.id}`,
    );
    return row ? { ...result, message: toMessageRecord(row) } : result;
  }

  async findByClientMessageId(senderId: number, clientMessageId: string): Promise<MessageRecord | undefined> {
    const rows = await preparedRows<MessageRow>(
      this.db,
      sql`select ${messageColumns} from chat_message m join users s on s.id = m.sender_id
          where m.sender_id = ${senderId} and m.client_message_id = ${clientMessageId}::uuid`,
    );
    return rows[0] && toMessageRecord(rows[0]);
  }

  async seqOf(conversationId: number, messageId: number, includePrivate: boolean): Promise<number | undefined> {
    const rows = await rawRows<{ seq: number }>(
      this.db,
      sql`select m.seq from chat_message m where m.id = ${messageId} and m.conversation_id = ${conversationId} and ${visible(includePrivate)}`,
    );
    return rows[0]?.seq;
  }

  // Newest `limit` messages before a seq (or the newest of all), returned oldest first.
  async pageBefore(
    conversationId: number,
    beforeSeq: number | undefined,
    limit: number,
    includePrivate: boolean,
  ): Promise<MessageRecord[]> {
    const bound = beforeSeq === undefined ? sql`true` : sql`m.seq < ${beforeSeq}`;
    const rows = await preparedRows<MessageRow>(
      this.db,
      sql`select ${messageColumns} from chat_message m join users s on s.id = m.sender_id
          where m.conversation_id = ${conversationId} and ${bound} and ${visible(includePrivate)}
          order by m.seq desc limit ${limit}`,
    );
    return rows.map(toMessageRecord).reverse();
  }

  // The newest `limit` messages, oldest first, and the conversation row's state in the same statement (one
  // snapshot): the state is what the page was read under. Undefined when the conversation does not exist.
  async newestPage(
    conversationId: number,
    limit: number,
    includePrivate: boolean,
  ): Promise<{ state: HistoryPageState; messages: MessageRecord[] } | undefined> {
    const rows = await preparedRows<HistoryPageStateRow & (MessageRow | { [K in keyof MessageRow]: null })>(
      this.db,
      sql`select ${pageStateColumns}, p.*
            from chat_conversation c
            left join lateral (
              select ${messageColumns} from chat_message m join users s on s.id = m.sender_id
               where m.conversation_id = c.id and ${visible(includePrivate)}
               order by m.seq desc limit ${limit}
            ) p on true
           where c.id = ${conversationId}
           order by p.seq desc`,
    );
    const first = rows[0];
    if (!first) {
      return undefined;
    }
    const messages = rows.flatMap((row) => (row.id === null ? [] : [toMessageRecord(row as MessageRow)]));
    return { state: toHistoryPageState(first), messages: messages.reverse() };
  }

  // The same state now for each conversation, and the current name and role of the given senders, in one
  // statement for the lot: per conversation a primary-key lookup and one index probe per sender (the lateral
  // subquery's limit keeps it a nested loop). Undefined for a conversation that does not exist.
  async historyPageStates(checks: HistoryPageCheck[]): Promise<({ state: HistoryPageState; senders: SenderStamp[] } | undefined)[]> {
    const conversationIds = intArrayLiteral(checks.map((check) => check.conversationId));
    // A text array of integer-array literals (one per conversation), each quoted as an element.
    const senderIds = `{${checks.map((check) => `"${intArrayLiteral(check.senderIds)}"`).join(',')}}`;
    const rows = await preparedRows<
      { [K in keyof HistoryPageStateRow]: HistoryPageStateRow[K] | null } & { senders: SenderStamp[] | null }
    >(
      this.db,
      sql`select state.*
            from unnest(${conversationIds}::int[], ${senderIds}::text[]) with ordinality as k(conversation_id, sender_ids, ord)
            left join lateral (
              select ${pageStateColumns},
                     (select json_agg(json_build_array(u.id, u.name, u.role) order by u.id)
                        from users u where u.id = any(k.sender_ids::int[])) as senders
                from chat_conversation c where c.id = k.conversation_id limit 1
            ) state on true
           order by k.ord`,
    );
    return rows.map((row) =>
      row.state_last_seq === null || row.state_unread_by_admins === null || row.state_unread_by_user === null
        ? undefined
        : {
            state: toHistoryPageState({
              state_last_seq: row.state_last_seq,
              state_unread_by_admins: row.state_unread_by_admins,
              state_unread_by_user: row.state_unread_by_user,
            }),
            senders: row.senders ?? [],
          },
    );
  }

  // Messages after a seq, oldest first: what a reconnecting client missed.
  async pageAfter(conversationId: number, afterSeq: number, limit: number, includePrivate: boolean): Promise<MessageRecord[]> {
    const rows = await preparedRows<MessageRow>(
      this.db,
      sql`select ${messageColumns} from chat_message m join users s on s.id = m.sender_id
          where m.conversation_id = ${conversationId} and m.seq > ${afterSeq} and ${visible(includePrivate)}
          order by m.seq asc limit ${limit}`,
    );
    return rows.map(toMessageRecord);
  }

  async markRead(conversationId: number, side: UnreadSide): Promise<{ count: number; readAt: Date }> {
    // The counter goes down by what this statement marked, not to zero: a message appended meanwhile stays counted.
    const counter = sql.raw(side.kind === 'admins' ? 'unread_by_admins' : 'unread_by_user');
    const rows = await preparedRows<{ count: number; read_at_ms: number | null }>(
      this.db,
      sql`with marked as (
            update chat_message m set is_read = true, read_at = now()
              from chat_conversation c
             where c.id = ${conversationId} and m.conversation_id = c.id and not m.is_read and ${unreadCondition(side)}
            returning m.read_at
          ),
          counted as (select count(*)::int as count, max(read_at) as read_at from marked),
          lowered as (
            update chat_conversation set ${counter} = greatest(${counter} - (select count from counted), 0)
             where id = ${conversationId} and (select count from counted) > 0
          )
          select count, (extract(epoch from read_at) * 1000)::float8 as read_at_ms from counted`,
    );
    const row = rows[0];
    return { count: row?.count ?? 0, readAt: row?.read_at_ms ? new Date(row.read_at_ms) : new Date() };
  }

  private toAppendResult(row: AppendRow, isNewConversation: boolean): AppendResult {
    return {
      message: toMessageRecord(row),
      conversationUserId: row.conversation_user_id,
      previousStatus: row.previous_status,
      isNewConversation,
    };
  }

  private translate(error: unknown): unknown {
    if (isUniqueViolation(error, 'chat_message_sender_client_id_key')) {
      return new DuplicateClientMessageError();
    }
    if (isUniqueViolation(error, 'chat_conversation_one_active_per_user')) {
      return new ReopenConflictError();
    }
    return error;
  }
}
