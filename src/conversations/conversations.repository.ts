import { Inject, Injectable } from '@nestjs/common';
import { sql, type SQL } from 'drizzle-orm';
import { DATABASE, type Database } from '../database/database.js';
import { isUniqueViolation } from '../database/database-errors.js';
import { escapeLike, preparedRows, rawRows } from '../database/raw-rows.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { conversationAssignedEventStatement, conversationEventStatement } from '../events/outbox.sql.js';
import { messageJson } from '../database/view-json.sql.js';
import type { MessageView } from '../contract/messages.js';
import type { ConversationStatus } from '../database/schema.js';
import { type ConversationRecord, type ConversationRow, conversationColumns, toConversationRecord } from './conversation.records.js';

export class ActiveConversationExistsError extends Error {}
export class InvalidAssigneeError extends Error {}

export type AssignResult =
  | { kind: 'missing' }
  | { kind: 'conflict'; current: { id: number; name: string } | null }
  | { kind: 'done'; record: ConversationRecord; changed: boolean; previousAssigneeId: number | null };

// Whose unread messages count: a user counts what admins sent, admins count what the user sent.
export type UnreadSide = { kind: 'user'; userId: number } | { kind: 'admins' };

export interface ConversationListFilter {
  userId?: number;
  status?: ConversationStatus;
  search?: string;
  // undefined: anyone; null: unassigned; a number: that admin's.
  assigneeId?: number | null;
  after?: { at: Date; id: number };
  // One conversation (the same item as in the list).
  id?: number;
  limit: number;
  side: UnreadSide;
}

export type ConversationListRecord = ConversationRecord & { unreadCount: number; lastMessage: MessageView | null };

// A user never counts private notes (they are never shown to them).
export function unreadCondition(side: UnreadSide): SQL {
  return side.kind === 'admins' ? sql`m.sender_id = c.user_id` : sql`m.sender_id <> c.user_id and not m.is_private`;
}

// The side's count of unreadCondition's messages not yet read, kept on the row of chat_conversation alias `c` by
// the append (+1) and markRead (minus what it marked).
const unreadCounter = (side: UnreadSide): SQL => sql.raw(side.kind === 'admins' ? 'c.unread_by_admins' : 'c.unread_by_user');

// The newest message of chat_conversation alias `c` the side may see, as its view (the one JSON definition, so
// it equals the socket and webhook payloads). Admins: the row at last_seq; the user: the newest that is not a
// private note (a note may hold last_seq).
const lastMessageOf = (side: UnreadSide): SQL =>
  side.kind === 'admins'
    ? sql`select ${messageJson('m', 's')} as message from chat_message m join users s on s.id = m.sender_id
          where m.conversation_id = c.id and m.seq = c.last_seq`
    : sql`select ${messageJson('m', 's')} as message from chat_message m join users s on s.id = m.sender_id
          where m.conversation_id = c.id and not m.is_private order by m.seq desc limit 1`;

@Injectable()
export class ConversationsRepository {
  private readonly withWebhooks: boolean;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.withWebhooks = config.webhook !== undefined;
  }

  async findById(id: number): Promise<ConversationRecord | undefined> {
    const rows = await preparedRows<ConversationRow>(
      this.db,
      sql`select ${conversationColumns} from chat_conversation c join users u on u.id = c.user_id where c.id = ${id}`,
    );
    return rows[0] && toConversationRecord(rows[0]);
  }

  async findOwnerId(id: number): Promise<number | undefined> {
    const rows = await preparedRows<{ user_id: number }>(this.db, sql`select user_id from chat_conversation where id = ${id}`);
    return rows[0]?.user_id;
  }

  // One statement per page: the (last_message_at desc, id desc) index of the filter drives it, the unread count is the
  // side's counter on the row and the last message is one index probe per row of the page, so the cost does not grow
  // with the number of conversations or of messages (read or unread) they hold. The indexes are DESC NULLS LAST;
  // `desc` alone means NULLS FIRST, which they cannot serve (the planner then sorts every row), although both
  // columns are NOT NULL and the order is the same.
  async list(filter: ConversationListFilter): Promise<ConversationListRecord[]> {
    const conditions: SQL[] = [sql`true`];
    if (filter.id !== undefined) {
      conditions.push(sql`c.id = ${filter.id}`);
    }
    if (filter.userId !== undefined) {
      conditions.push(sql`c.user_id = ${filter.userId}`);
    }
    if (filter.status) {
      conditions.push(sql`c.status = ${filter.status}`);
    }
    if (filter.assigneeId === null) {
      conditions.push(sql`c.assignee_id is null`);
    } else if (filter.assigneeId !== undefined) {
      conditions.push(sql`c.assignee_id = ${filter.assigneeId}`);
    }
    if (filter.search) {
      const pattern = `%${escapeLike(filter.search)}%`;
      conditions.push(sql`(u.name ilike ${pattern} or u.email ilike ${pattern})`);
    }
    if (filter.after) {
      conditions.push(sql`(c.last_message_at, c.id) < (${filter.after.at.toISOString()}::timestamptz, ${filter.after.id})`);
    }
    const rows = await preparedRows<ConversationRow & { unread_count: number; last_message: MessageView | null }>(
      this.db,
      sql`select ${conversationColumns}, ${unreadCounter(filter.side)} as unread_count, lm.message as last_message
          from chat_conversation c join users u on u.id = c.user_id
          left join lateral (${lastMessageOf(filter.side)}) lm on true
          where ${sql.join(conditions, sql` and `)}
          order by c.last_message_at desc nulls last, c.id desc nulls last
          limit ${filter.limit}`,
    );
    return rows.map((row) => ({ ...toConversationRecord(row), unreadCount: row.unread_count, lastMessage: row.last_message }));
  }

  async unreadCounts(side: UnreadSide): Promise<{ conversationId: number; count: number }[]> {
    const scope = side.kind === 'user' ? sql`c.user_id = ${side.userId}` : sql`true`;
    const counter = unreadCounter(side);
    const rows = await rawRows<{ conversation_id: number; count: number }>(
      this.db,
      sql`select c.id as conversation_id, ${counter} as count from chat_conversation c
          where ${counter} > 0 and ${scope} order by c.id`,
    );
    return rows.map((row) => ({ conversationId: row.conversation_id, count: row.count }));
  }

  // Returns the row, or undefined when it does not exist. Reopening fails if the user already has another ACTIVE one.
  async setStatus(id: number, status: ConversationStatus): Promise<{ record: ConversationRecord; changed: boolean } | undefined> {
    try {
      const changed = await this.db.transaction(async (tx) => {
        const rows = await rawRows<{ changed: boolean }>(
          tx,
          sql`with old as (select id, status from chat_conversation where id = ${id} for update)
              update chat_conversation c set status = ${status},
                updated_at = case when old.status = ${status} then c.updated_at else now() end,
                closed_at = case when old.status <> ${status} and ${status} = 'CLOSED' then now() else c.closed_at end,
                close_count = c.close_count + case when old.status <> ${status} and ${status} = 'CLOSED' then 1 else 0 end
              from old where c.id = old.id
              returning old.status <> ${status} as changed`,
        );
        if (rows[0]?.changed && this.withWebhooks) {
          await tx.execute(conversationEventStatement('conversation.updated', id));
        }
        return rows[0]?.changed;
      });
      if (changed === undefined) {
        return undefined;
      }
      const record = await this.findById(id);
      return record && { record, changed };
    } catch (error) {
      if (isUniqueViolation(error, 'chat_conversation_one_active_per_user')) {
        throw new ActiveConversationExistsError();
      }
      throw error;
    }
  }

  // Sets the assignee under the row lock. With `expected` (compare-and-set) it changes only when the current
  // assignee is still the expected one, so of two agents claiming at once exactly one wins.
  async assign(
    id: number,
    assigneeId: number | null,
    expected: number | null | undefined,
    assignedById: number | null,
  ): Promise<AssignResult> {
    const outcome = await this.db.transaction(
      async (tx): Promise<AssignResult | { kind: 'locked'; changed: boolean; previous: number | null }> => {
        // The lock first, then the name: a join in the locking statement may see the user row from before the wait.
        const [current] = await rawRows<{ assignee_id: number | null }>(
          tx,
          sql`select assignee_id from chat_conversation where id = ${id} for update`,
        );
        if (!current) {
          return { kind: 'missing' };
        }
        if (expected !== undefined && current.assignee_id !== expected) {
          const [holder] =
            current.assignee_id === null
              ? []
              : await rawRows<{ id: number; name: string }>(tx, sql`select id, name from users where id = ${current.assignee_id}`);
          return { kind: 'conflict', current: holder ?? null };
        }
        if (assigneeId !== null) {
          const [assignee] = await rawRows<{ role: string }>(tx, sql`select role from users where id = ${assigneeId}`);
          if (assignee?.role !== 'ADMIN') {
            throw new InvalidAssigneeError();
          }
        }
        if (current.assignee_id === assigneeId) {
          return { kind: 'locked', changed: false, previous: current.assignee_id };
        }
        await tx.execute(
          sql`update chat_conversation set assignee_id = ${assigneeId}, updated_at = now(),
              assigned_at = ${assigneeId === null ? sql`null` : sql`now()`}
            where id = ${id}`,
        );
        if (this.withWebhooks) {
          await tx.execute(conversationAssignedEventStatement(id, current.assignee_id, assignedById));
        }
        return { kind: 'locked', changed: true, previous: current.assignee_id };
      },
    );
    if (outcome.kind !== 'locked') {
      return outcome;
    }
    const record = await this.findById(id);
    return record ? { kind: 'done', record, changed: outcome.changed, previousAssigneeId: outcome.previous } : { kind: 'missing' };
  }

  // The inbox tabs: mine, unassigned and all, optionally of one status.
  async assignmentCounts(
    adminId: number,
    status: ConversationStatus | undefined,
  ): Promise<{ mine: number; unassigned: number; all: number }> {
    const scope = status ? sql`status = ${status}` : sql`true`;
    const [row] = await rawRows<{ mine: number; unassigned: number; all: number }>(
      this.db,
      sql`select count(*) filter (where assignee_id = ${adminId})::int as mine,
            count(*) filter (where assignee_id is null)::int as unassigned, count(*)::int as "all"
          from chat_conversation where ${scope}`,
    );
    return row ?? { mine: 0, unassigned: 0, all: 0 };
  }
}
