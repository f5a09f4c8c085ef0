import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DATABASE, type Database } from '../database/database.js';
import { rawRows } from '../database/raw-rows.js';
import { conversationRatedEventStatement } from '../events/outbox.sql.js';

export type RateResult =
  | { kind: 'missing' }
  | { kind: 'active' }
  | { kind: 'already-rated' }
  | { kind: 'rated'; rating: { score: number; comment: string | null; createdAt: Date } };

@Injectable()
export class RatingsRepository {
  private readonly withWebhooks: boolean;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.withWebhooks = config.webhook !== undefined;
  }

  // Under the conversation's row lock: the rating belongs to the current closing (close_count), and the
  // unique (conversation, closing) index makes a second one for the same closing impossible.
  async rate(conversationId: number, userId: number, score: number, comment: string | null): Promise<RateResult> {
    return this.db.transaction(async (tx): Promise<RateResult> => {
      const [conversation] = await rawRows<{ user_id: number; status: string; close_count: number }>(
        tx,
        sql`select user_id, status, close_count from chat_conversation where id = ${conversationId} for update`,
      );
      if (!conversation || conversation.user_id !== userId) {
        return { kind: 'missing' };
      }
      if (conversation.status !== 'CLOSED') {
        return { kind: 'active' };
      }
      const [row] = await rawRows<{ id: number; created_at_ms: number }>(
        tx,
        sql`insert into chat_rating (conversation_id, user_id, closing, score, comment)
            values (${conversationId}, ${userId}, ${conversation.close_count}, ${score}, ${comment})
            on conflict (conversation_id, closing) do nothing
            returning id, (extract(epoch from created_at) * 1000)::float8 as created_at_ms`,
      );
      if (!row) {
        return { kind: 'already-rated' };
      }
      // The conversation changed (it now carries a rating): clients keep the copy with the later updatedAt.
      await tx.execute(sql`update chat_conversation set updated_at = now() where id = ${conversationId}`);
      if (this.withWebhooks) {
        await tx.execute(conversationRatedEventStatement(row.id));
      }
      return { kind: 'rated', rating: { score, comment, createdAt: new Date(row.created_at_ms) } };
    });
  }
}
