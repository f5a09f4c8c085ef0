import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { DATABASE, type Database } from '../database/database.js';
import { rawRows } from '../database/raw-rows.js';
import type { Role } from '../database/schema.js';

export interface PendingMessage {
  id: number;
  seq: number;
  senderName: string;
  content: string;
  createdAt: Date;
  fileNames: string[];
}

// One (conversation, recipient) whose cursor is behind the conversation, locked for the claiming transaction.
export interface NotificationCandidate {
  conversationId: number;
  customerName: string;
  // The conversation's assignee (agent workflow), null when unassigned.
  assigneeId: number | null;
  lastSeq: number;
  cursor: number;
  attempts: number;
  recipient: { id: number; role: Role; email: string; name: string; wantsEmail: boolean };
  pending: PendingMessage[];
}

export type ClaimDecision =
  // Nothing to email up to this seq (read, private, not for this recipient, or unsubscribed): move past it.
  | { kind: 'skip'; cursor: number }
  // Pending but not yet due.
  | { kind: 'wait'; until: Date }
  | { kind: 'send' };

const interval = (ms: number) => sql`now() + ${Math.max(0, Math.round(ms))} * interval '1 millisecond'`;
const ago = (ms: number) => sql`now() - ${Math.max(0, Math.round(ms))} * interval '1 millisecond'`;
const MAX_MESSAGES_PER_EMAIL = 50;

interface CandidateRow {
  conversation_id: number;
  assignee_id: number | null;
  customer_name: string;
  last_seq: number;
  last_emailed_seq: number;
  attempts: number;
  recipient_id: number;
  recipient_role: Role;
  recipient_email: string;
  recipient_name: string;
  email_notifications: boolean;
}

interface PendingRow {
  id: number;
  seq: number;
  sender_name: string;
  content: string;
  created_at_ms: number;
  file_names: string | null;
}

@Injectable()
export class EmailNotificationsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  // A cursor row per recipient for every recently active conversation: the conversation's user, and each
  // admin when admin emails are on. Rows are what dispatchers lock, so they must exist before work is due.
  async ensureCursors(lookbackMs: number, withAdmins: boolean): Promise<void> {
    const recent = sql`c.last_message_at > ${ago(lookbackMs)}`;
    await this.db.execute(sql`
      insert into email_notification (conversation_id, recipient_id)
      select c.id, c.user_id from chat_conversation c
       where ${recent}
         and not exists (select 1 from email_notification n where n.conversation_id = c.id and n.recipient_id = c.user_id)
      on conflict do nothing`);
    if (withAdmins) {
      await this.db.execute(sql`
        insert into email_notification (conversation_id, recipient_id)
        select c.id, a.id from chat_conversation c cross join users a
         where a.role = 'ADMIN' and ${recent}
           and not exists (select 1 from email_notification n where n.conversation_id = c.id and n.recipient_id = a.id)
        on conflict do nothing`);
    }
  }

  // Locks due cursor rows (skip locked: another instance's claim neither waits nor double-claims), lets
  // `decide` judge each, and leases the ones to send for `leaseMs`, all in one transaction. A crash after
  // the lease only delays that email until the lease runs out.
  async claim(
    limit: number,
    leaseMs: number,
    lookbackMs: number,
    decide: (candidate: NotificationCandidate) => ClaimDecision,
  ): Promise<{ claimed: number; toSend: NotificationCandidate[]; nextWakeAt?: Date }> {
    return this.db.transaction(async (tx) => {
      const rows = await rawRows<CandidateRow>(
        tx,
        sql`select n.conversation_id, n.last_emailed_seq, n.attempts, c.last_seq, c.assignee_id, cu.name as customer_name,
                   r.id as recipient_id, r.role as recipient_role, r.email as recipient_email, r.name as recipient_name,
                   r.email_notifications
              from email_notification n
              join chat_conversation c on c.id = n.conversation_id
              join users cu on cu.id = c.user_id
              join users r on r.id = n.recipient_id
             where n.next_attempt_at <= now() and c.last_seq > n.last_emailed_seq and c.last_message_at > ${ago(lookbackMs)}
             order by n.next_attempt_at
             limit ${limit}
             for update of n skip locked`,
      );
      const toSend: NotificationCandidate[] = [];
      let nextWakeAt: Date | undefined;
      for (const row of rows) {
        const candidate: NotificationCandidate = {
          conversationId: row.conversation_id,
          customerName: row.customer_name,
          assigneeId: row.assignee_id,
          lastSeq: row.last_seq,
          cursor: row.last_emailed_seq,
          attempts: row.attempts,
          recipient: {
            id: row.recipient_id,
            role: row.recipient_role,
            email: row.recipient_email,
            name: row.recipient_name,
            wantsEmail: row.email_notifications,
          },
          pending: await this.pendingFor(tx, row),
        };
        const decision = decide(candidate);
        const key = sql`conversation_id = ${row.conversation_id} and recipient_id = ${row.recipient_id}`;
        switch (decision.kind) {
          case 'skip':
            await tx.execute(
              sql`update email_notification set last_emailed_seq = greatest(last_emailed_seq, ${decision.cursor}), attempts = 0,
                         next_attempt_at = now(), last_error = null where ${key}`,
            );
            break;
          case 'wait':
            await tx.execute(
              sql`update email_notification set next_attempt_at = ${decision.until.toISOString()}::timestamptz where ${key}`,
            );
            nextWakeAt = nextWakeAt && nextWakeAt < decision.until ? nextWakeAt : decision.until;
            break;
          case 'send':
            await tx.execute(sql`update email_notification set next_attempt_at = ${interval(leaseMs)} where ${key}`);
            toSend.push(candidate);
            break;
          default: {
            const unknown: never = decision;
            throw new Error(`unknown decision ${JSON.stringify(unknown)}`);
          }
        }
      }
      return { claimed: rows.length, toSend, nextWakeAt };
    });
  }

  // Unread, not private, from the other side, after the cursor. For an admin: in a conversation assigned to
  // them, or, when unassigned, while no admin has written in it yet (a new conversation nobody picked up).
  private async pendingFor(tx: Database, row: CandidateRow): Promise<PendingMessage[]> {
    const fromOtherSide =
      row.recipient_role === 'ADMIN'
        ? row.assignee_id === row.recipient_id
          ? sql`s.role = 'USER'`
          : row.assignee_id === null
            ? sql`s.role = 'USER' and not exists (
                 select 1 from chat_message x join users xs on xs.id = x.sender_id
                  where x.conversation_id = m.conversation_id and xs.role = 'ADMIN')`
            : sql`false`
        : sql`s.role = 'ADMIN'`;
    const rows = await rawRows<PendingRow>(
      tx,
      sql`select m.id, m.seq, s.name as sender_name, m.content,
                 (extract(epoch from m.created_at) * 1000)::float8 as created_at_ms,
                 (select string_agg(a.file_name, E'\\n' order by a.created_at) from chat_attachment a where a.message_id = m.id) as file_names
            from chat_message m join users s on s.id = m.sender_id
           where m.conversation_id = ${row.conversation_id} and m.seq > ${row.last_emailed_seq} and m.seq <= ${row.last_seq}
             and not m.is_read and not m.is_private and ${fromOtherSide}
           order by m.seq
           limit ${MAX_MESSAGES_PER_EMAIL}`,
    );
    return rows.map((pending) => ({
      id: pending.id,
      seq: pending.seq,
      senderName: pending.sender_name,
      content: pending.content,
      createdAt: new Date(pending.created_at_ms),
      fileNames: pending.file_names ? pending.file_names.split('\n') : [],
    }));
  }

  async markSent(conversationId: number, recipientId: number, throughSeq: number): Promise<void> {
    await this.db.execute(
      sql`update email_notification
             set last_emailed_seq = greatest(last_emailed_seq, ${throughSeq}), attempts = 0, next_attempt_at = now(),
                 last_sent_at = now(), last_error = null
           where conversation_id = ${conversationId} and recipient_id = ${recipientId}`,
    );
  }

  async markFailed(conversationId: number, recipientId: number, error: string, retryInMs: number): Promise<void> {
    await this.db.execute(
      sql`update email_notification set attempts = attempts + 1, last_error = ${error}, next_attempt_at = ${interval(retryInMs)}
           where conversation_id = ${conversationId} and recipient_id = ${recipientId}`,
    );
  }

  // Rows of conversations quiet for longer than the look-back are never due again.
  async deleteQuietBefore(lookbackMs: number): Promise<void> {
    await this.db.execute(
      sql`delete from email_notification n using chat_conversation c
           where c.id = n.conversation_id and c.last_message_at < ${ago(lookbackMs)}`,
    );
  }

  async setEmailNotifications(userId: number, isOn: boolean): Promise<boolean> {
    const rows = await rawRows<{ id: number }>(
      this.db,
      sql`update users set email_notifications = ${isOn} where id = ${userId} returning id`,
    );
    return rows.length > 0;
  }

  async emailNotificationsOf(userId: number): Promise<boolean | undefined> {
    const rows = await rawRows<{ email_notifications: boolean }>(this.db, sql`select email_notifications from users where id = ${userId}`);
    return rows[0]?.email_notifications;
  }
}
