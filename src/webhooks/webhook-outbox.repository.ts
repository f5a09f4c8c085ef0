import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, inArray, isNotNull, isNull, lt, lte, sql } from 'drizzle-orm';
import { DATABASE, type Database } from '../database/database.js';
import { webhookOutbox } from '../database/schema.js';

export interface OutboxEntry {
  id: number;
  event: string;
  payload: unknown;
  createdAt: Date;
  attempts: number;
}

const interval = (ms: number) => sql`now() + ${Math.max(0, Math.round(ms))} * interval '1 millisecond'`;

@Injectable()
export class WebhookOutboxRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  // Takes due rows for `leaseMs`: they become invisible to every other dispatcher (skip locked: no waiting,
  // no double claim) until delivered, failed, released, or the lease runs out after a crash.
  async claimDue(limit: number, leaseMs: number): Promise<OutboxEntry[]> {
    const due = this.db
      .select({ id: webhookOutbox.id })
      .from(webhookOutbox)
      .where(and(isNull(webhookOutbox.deliveredAt), lte(webhookOutbox.nextAttemptAt, sql`now()`)))
      .orderBy(asc(webhookOutbox.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    const rows = await this.db
      .update(webhookOutbox)
      .set({ nextAttemptAt: interval(leaseMs) })
      .where(inArray(webhookOutbox.id, due))
      .returning({
        id: webhookOutbox.id,
        event: webhookOutbox.event,
        payload: webhookOutbox.payload,
        createdAt: webhookOutbox.createdAt,
        attempts: webhookOutbox.attempts,
      });
    return rows.sort((a, b) => a.id - b.id);
  }

  async markDelivered(id: number): Promise<void> {
    await this.db
      .update(webhookOutbox)
      .set({ deliveredAt: sql`now()`, attempts: sql`${webhookOutbox.attempts} + 1`, lastError: null })
      .where(eq(webhookOutbox.id, id));
  }

  async markFailed(id: number, error: string, retryInMs: number): Promise<void> {
    await this.db
      .update(webhookOutbox)
      .set({ attempts: sql`${webhookOutbox.attempts} + 1`, lastError: error, nextAttemptAt: interval(retryInMs) })
      .where(eq(webhookOutbox.id, id));
  }

  // Claimed rows that were not attempted (the batch stopped, or the dispatcher is shutting down): due again after `delayMs`.
  async release(ids: number[], delayMs: number): Promise<void> {
    if (ids.length > 0) {
      await this.db
        .update(webhookOutbox)
        .set({ nextAttemptAt: interval(delayMs) })
        .where(and(inArray(webhookOutbox.id, ids), isNull(webhookOutbox.deliveredAt)));
    }
  }

  // Delivered rows are kept a while for inspection, then removed so the table stays small.
  async deleteDeliveredBefore(cutoff: Date, limit: number): Promise<number> {
    const old = this.db
      .select({ id: webhookOutbox.id })
      .from(webhookOutbox)
      .where(and(isNotNull(webhookOutbox.deliveredAt), lt(webhookOutbox.deliveredAt, cutoff)))
      .limit(limit);
    const deleted = await this.db.delete(webhookOutbox).where(inArray(webhookOutbox.id, old)).returning({ id: webhookOutbox.id });
    return deleted.length;
  }
}
