import { Inject, Injectable } from '@nestjs/common';
import { sql, type SQL } from 'drizzle-orm';
import { DATABASE, type Database } from '../database/database.js';
import { isUniqueViolation } from '../database/database-errors.js';
import { escapeLike, rawRows } from '../database/raw-rows.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { conversationEventStatement } from '../events/outbox.sql.js';
import { messageJson } from '../database/view-json.sql.js';
import type { MessageView } from '../contract/messages.js';
import type { ConversationStatus } from '../database/schema.js';
import { type ConversationRecord, type ConversationRow, conversationColumns, toConversationRecord } from './conversation.records.js';

export class ActiveConversationExistsError extends Error {}

// Whose unread messages count: a user counts what admins sent, admins count what the user sent.
export type UnreadSide = { kind: 'user'; userId: number } | { kind: 'admins' };

export interface ConversationListFilter {
  userId?: number;
  status?: ConversationStatus;
  search?: string;
  after?: { at: Date; id: number };
  limit: number;
  side: UnreadSide;
}

export function unreadCondition(side: UnreadSide): SQL {
  return side.kind === 'admins' ? sql`m.sender_id = c.user_id` : sql`m.sender_id <> c.user_id`;
}

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
    const rows = await rawRows<ConversationRow>(
      this.db,
      sql`select ${conversationColumns} from chat_conversation c join users u on u.id = c.user_id where c.id = ${id}`,
    );
    return rows[0] && toConversationRecord(rows[0]);
  }

  async findOwnerId(id: number): Promise<number | undefined> {
    const rows = await rawRows<{ user_id: number }>(this.db, sql`select user_id from chat_conversation where id = ${id}`);
    return rows[0]?.user_id;
  }

  async list(filter: ConversationListFilter): Promise<(ConversationRecord & { unreadCount: number })[]> {
    const conditions: SQL[] = [sql`true`];
    if (filter.userId !== undefined) {
      conditions.push(sql`c.user_id = ${filter.userId}`);
    }
    if (filter.status) {
      conditions.push(sql`c.status = ${filter.status}`);
    }
    if (filter.search) {
      const pattern = `%${escapeLike(filter.search)}%`;
      conditions.push(sql`(u.name ilike ${pattern} or u.email ilike ${pattern})`);
    }
    if (filter.after) {
      conditions.push(sql`(c.last_message_at, c.id) < (${filter.after.at.toISOString()}::timestamptz, ${filter.after.id})`);
    }
    const rows = await rawRows<ConversationRow & { unread_count: number }>(
      this.db,
      sql`select ${conversationColumns},
            (select count(*)::int from chat_message m
              where m.conversation_id = c.id and not m.is_read and ${unreadCondition(filter.side)}) as unread_count
          from chat_conversation c join users u on u.id = c.user_id
          where ${sql.join(conditions, sql` and `)}
          order by c.last_message_at desc, c.id desc
          limit ${filter.limit}`,
    );
    return rows.map((row) => ({ ...toConversationRecord(row), unreadCount: row.unread_count }));
  }

  // The newest message of each conversation, as its view (built by SQL from the one definition).
  async lastMessages(conversationIds: number[]): Promise<Map<number, MessageView>> {
    if (conversationIds.length === 0) {
      return new Map();
    }
    const ids = sql.join(
      conversationIds.map((id) => sql`${id}`),
      sql`, `,
    );
    const rows = await rawRows<{ conversation_id: number; message: MessageView }>(
      this.db,
      sql`select c.id as conversation_id, ${messageJson('m', 's')} as message from chat_conversation c
          join chat_message m on m.conversation_id = c.id and m.seq = c.last_seq
          join users s on s.id = m.sender_id
          where c.id in (${ids})`,
    );
    return new Map(rows.map((row) => [row.conversation_id, row.message]));
  }

  async unreadCount(conversationId: number, side: UnreadSide): Promise<number> {
    const rows = await rawRows<{ count: number }>(
      this.db,
      sql`select count(*)::int as count from chat_message m join chat_conversation c on c.id = m.conversation_id
          where c.id = ${conversationId} and not m.is_read and ${unreadCondition(side)}`,
    );
    return rows[0]?.count ?? 0;
  }

  async unreadCounts(side: UnreadSide): Promise<{ conversationId: number; count: number }[]> {
    const scope = side.kind === 'user' ? sql`c.user_id = ${side.userId}` : sql`true`;
    const rows = await rawRows<{ conversation_id: number; count: number }>(
      this.db,
      sql`select m.conversation_id, count(*)::int as count
          from chat_message m join chat_conversation c on c.id = m.conversation_id
          where not m.is_read and ${unreadCondition(side)} and ${scope}
          group by m.conversation_id order by m.conversation_id`,
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
                updated_at = case when old.status = ${status} then c.updated_at else now() end
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
}
