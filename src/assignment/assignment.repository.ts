import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DATABASE, type Database } from '../database/database.js';
import { rawRows } from '../database/raw-rows.js';
import { conversationAssignedEventStatement } from '../events/outbox.sql.js';

// Any fixed number, distinct from the migration lock: every server-side assignment decision (on any
// instance) takes it, so counting an agent's load and giving them one more conversation is one step.
const ASSIGNMENT_LOCK = 7_413_013;

@Injectable()
export class AssignmentRepository {
  private readonly withWebhooks: boolean;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.withWebhooks = config.webhook !== undefined;
  }

  // Round-robin: of the candidates holding fewer than `capacity` ACTIVE conversations, the one whose latest
  // assignment is oldest (never assigned first). Only an ACTIVE, unassigned conversation is taken, so an
  // admin's own claim in the meantime wins. Returns the new assignee, or undefined.
  async assignRoundRobin(conversationId: number, candidateIds: number[], capacity: number): Promise<number | undefined> {
    if (candidateIds.length === 0) {
      return undefined;
    }
    const ids = sql.join(
      candidateIds.map((id) => sql`${id}::int`),
      sql`, `,
    );
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${ASSIGNMENT_LOCK})`);
      const [row] = await rawRows<{ assignee_id: number }>(
        tx,
        sql`with cand as (
              select a.id,
                (select count(*) from chat_conversation x where x.assignee_id = a.id and x.status = 'ACTIVE') as load,
                (select max(x.assigned_at) from chat_conversation x where x.assignee_id = a.id) as last_at
              from users a where a.id in (${ids}) and a.role = 'ADMIN'
            ),
            pick as (select id from cand where load < ${capacity} order by last_at asc nulls first, id limit 1)
            update chat_conversation c set assignee_id = pick.id, assigned_at = now(), updated_at = now()
              from pick where c.id = ${conversationId} and c.assignee_id is null and c.status = 'ACTIVE'
            returning c.assignee_id`,
      );
      if (row && this.withWebhooks) {
        await tx.execute(conversationAssignedEventStatement(conversationId, null, null));
      }
      return row?.assignee_id;
    });
  }

  // Admins who hold ACTIVE conversations.
  async activeAssignees(): Promise<number[]> {
    const rows = await rawRows<{ assignee_id: number }>(
      this.db,
      sql`select distinct assignee_id from chat_conversation where status = 'ACTIVE' and assignee_id is not null`,
    );
    return rows.map((row) => row.assignee_id);
  }

  // Unassigns the admin's ACTIVE conversations whose last visible message is the customer's (waiting for
  // an answer). Returns their ids.
  async releaseAwaitingReply(assigneeId: number): Promise<number[]> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${ASSIGNMENT_LOCK})`);
      const rows = await rawRows<{ id: number }>(
        tx,
        sql`update chat_conversation c set assignee_id = null, assigned_at = null, updated_at = now()
            where c.assignee_id = ${assigneeId} and c.status = 'ACTIVE'
              and (select m.sender_id from chat_message m where m.conversation_id = c.id and not m.is_private
                   order by m.seq desc limit 1) = c.user_id
            returning c.id`,
      );
      if (this.withWebhooks) {
        for (const row of rows) {
          await tx.execute(conversationAssignedEventStatement(row.id, assigneeId, null));
        }
      }
      return rows.map((row) => row.id);
    });
  }

  async admins(): Promise<{ id: number; name: string; email: string }[]> {
    return rawRows(this.db, sql`select id, name, email from users where role = 'ADMIN' order by id`);
  }
}
