import { Inject, Injectable } from '@nestjs/common';
import { sql, type SQL } from 'drizzle-orm';
import { type MessageRecord, type MessageRow, messageColumns, toMessageRecord } from '../messages/message.records.js';
import { DATABASE, type Database } from '../database/database.js';
import { rawRows } from '../database/raw-rows.js';
import type { ConversationStatus } from '../database/schema.js';

// Highlight markers that cannot occur in a snippet: control characters are removed from the text first.
export const HIGHLIGHT_START = '\u0001';
export const HIGHLIGHT_STOP = '\u0002';
// ts_headline drops what its parser reads as HTML tags; angle brackets travel as these and are put back.
export const LESS_THAN = '\u0003';
export const GREATER_THAN = '\u0004';
const MARKERS = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_STOP}`;
// A short message is shown whole; a long one as up to two fragments around its hits.
const SHORT_MESSAGE_CHARS = 240;
const WHOLE_OPTIONS = `${MARKERS}, HighlightAll=true`;
const FRAGMENT_OPTIONS = `${MARKERS}, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=" … "`;

export interface SearchHit {
  message: MessageRecord;
  conversation: { id: number; userId: number; status: ConversationStatus; user: { id: number; name: string; email: string } };
  headline: string;
}

export interface SearchFilter {
  query: string;
  language: string;
  userId?: number;
  conversationId?: number;
  // Users never find private notes.
  includePrivate: boolean;
  beforeId?: number;
  limit: number;
}

type HitRow = MessageRow & {
  conversation_user_id: number;
  conversation_status: ConversationStatus;
  user_name: string;
  user_email: string;
  headline: string;
};

@Injectable()
export class SearchRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  // 'simple' is served by the generated search_vector column; another language by an expression index
  // made at startup (ensureLanguageIndex).
  private vector(language: string): SQL {
    return language === 'simple' ? sql`m.search_vector` : sql`to_tsvector(${language}::regconfig, m.content)`;
  }

  async search(filter: SearchFilter): Promise<SearchHit[]> {
    const conditions: SQL[] = [sql`${this.vector(filter.language)} @@ q.query`];
    if (filter.userId !== undefined) {
      conditions.push(sql`c.user_id = ${filter.userId}`);
    }
    if (!filter.includePrivate) {
      conditions.push(sql`not m.is_private`);
    }
    if (filter.conversationId !== undefined) {
      conditions.push(sql`m.conversation_id = ${filter.conversationId}`);
    }
    if (filter.beforeId !== undefined) {
      conditions.push(sql`m.id < ${filter.beforeId}`);
    }
    const rows = await rawRows<HitRow>(
      this.db,
      sql`select ${messageColumns}, c.user_id as conversation_user_id, c.status as conversation_status,
            u.name as user_name, u.email as user_email,
            ts_headline(${filter.language}::regconfig,
              translate(regexp_replace(m.content, '[[:cntrl:]]', ' ', 'g'), '<>', ${LESS_THAN + GREATER_THAN}),
              q.query, case when length(m.content) <= ${SHORT_MESSAGE_CHARS} then ${WHOLE_OPTIONS} else ${FRAGMENT_OPTIONS} end) as headline
          from websearch_to_tsquery(${filter.language}::regconfig, ${filter.query}) as q(query),
            chat_message m
            join chat_conversation c on c.id = m.conversation_id
            join users u on u.id = c.user_id
            join users s on s.id = m.sender_id
          where ${sql.join(conditions, sql` and `)}
          order by m.id desc
          limit ${filter.limit}`,
    );
    return rows.map((row) => ({
      message: toMessageRecord(row),
      conversation: {
        id: row.conversation_id,
        userId: row.conversation_user_id,
        status: row.conversation_status,
        user: { id: row.conversation_user_id, name: row.user_name, email: row.user_email },
      },
      headline: row.headline,
    }));
  }

  async isKnownLanguage(language: string): Promise<boolean> {
    const rows = await rawRows<{ found: boolean }>(
      this.db,
      sql`select exists (select 1 from pg_ts_config where cfgname = ${language}) as found`,
    );
    return rows[0]?.found === true;
  }

  async ensureLanguageIndex(language: string): Promise<void> {
    // The name is checked against pg_ts_config before it gets here, so it is safe to inline.
    const name = `chat_message_search_${language.replace(/\W/g, '_')}_idx`;
    // Building the index over a large table may take longer than DB_STATEMENT_TIMEOUT_MS allows a request.
    await this.db.transaction(async (tx) => {
      await tx.execute(sql`set local statement_timeout = 0`);
      await tx.execute(
        sql.raw(
          `create index if not exists ${name} on chat_message using gin (to_tsvector('${language.replace(/'/g, "''")}'::regconfig, content))`,
        ),
      );
    });
  }
}
