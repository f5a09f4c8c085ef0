import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { DATABASE, type Database } from '../database/database.js';
import { rawRows } from '../database/raw-rows.js';

export interface ReportTotals {
  conversations: number;
  open: number;
  unassigned: number;
  closed: number;
  median_first_response_ms: number | null;
  median_resolution_ms: number | null;
  csat_average: number | null;
  csat_count: number;
}

export interface AgentRow {
  id: number;
  name: string;
  assigned: number;
  closed: number;
  median_first_response_ms: number | null;
}

// First response of a conversation: from its user's first message to the first public admin message after
// it; who answered is the agent it counts for.
const firstResponses = (from: Date, to: Date) => sql`
  select c.id, c.assignee_id, fr.sender_id as responder_id,
    (extract(epoch from fr.created_at - fu.created_at) * 1000)::float8 as ms
  from chat_conversation c
  join lateral (select m.created_at from chat_message m where m.conversation_id = c.id and m.sender_id = c.user_id
    order by m.seq limit 1) fu on true
  join lateral (select m.created_at, m.sender_id from chat_message m where m.conversation_id = c.id and m.sender_id <> c.user_id
    and not m.is_private and m.created_at >= fu.created_at order by m.seq limit 1) fr on true
  where c.created_at >= ${from.toISOString()}::timestamptz and c.created_at < ${to.toISOString()}::timestamptz`;

@Injectable()
export class ReportsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async totals(from: Date, to: Date): Promise<ReportTotals> {
    const f = from.toISOString();
    const t = to.toISOString();
    const [row] = await rawRows<ReportTotals>(
      this.db,
      sql`with started as (select * from chat_conversation where created_at >= ${f}::timestamptz and created_at < ${t}::timestamptz),
            closed as (select * from chat_conversation where status = 'CLOSED' and closed_at >= ${f}::timestamptz and closed_at < ${t}::timestamptz),
            fr as (${firstResponses(from, to)}),
            rated as (select score from chat_rating where created_at >= ${f}::timestamptz and created_at < ${t}::timestamptz)
          select (select count(*)::int from started) as conversations,
            (select count(*)::int from started where status = 'ACTIVE') as open,
            (select count(*)::int from started where status = 'ACTIVE' and assignee_id is null) as unassigned,
            (select count(*)::int from closed) as closed,
            (select percentile_cont(0.5) within group (order by ms) from fr)::float8 as median_first_response_ms,
            (select percentile_cont(0.5) within group (order by (extract(epoch from closed_at - created_at) * 1000)) from closed)::float8
              as median_resolution_ms,
            (select avg(score) from rated)::float8 as csat_average,
            (select count(*)::int from rated) as csat_count`,
    );
    if (!row) {
      throw new Error('report query returned no row');
    }
    return row;
  }

  async agents(from: Date, to: Date): Promise<AgentRow[]> {
    const f = from.toISOString();
    const t = to.toISOString();
    return rawRows<AgentRow>(
      this.db,
      sql`with fr as (${firstResponses(from, to)})
          select a.id, a.name,
            (select count(*)::int from chat_conversation c where c.assignee_id = a.id
              and c.created_at >= ${f}::timestamptz and c.created_at < ${t}::timestamptz) as assigned,
            (select count(*)::int from chat_conversation c where c.assignee_id = a.id and c.status = 'CLOSED'
              and c.closed_at >= ${f}::timestamptz and c.closed_at < ${t}::timestamptz) as closed,
            (select percentile_cont(0.5) within group (order by fr.ms) from fr where fr.responder_id = a.id)::float8
              as median_first_response_ms
          from users a where a.role = 'ADMIN' order by a.name, a.id`,
    );
  }

  async perDay(from: Date, to: Date): Promise<{ date: string; count: number }[]> {
    return rawRows(
      this.db,
      sql`select to_char(d.day, 'YYYY-MM-DD') as date,
            (select count(*)::int from chat_conversation c
              where c.created_at >= greatest(d.day, ${from.toISOString()}::timestamptz)
                and c.created_at < least(d.day + interval '1 day', ${to.toISOString()}::timestamptz)) as count
          from generate_series(date_trunc('day', ${from.toISOString()}::timestamptz at time zone 'UTC') at time zone 'UTC',
                               ${to.toISOString()}::timestamptz - interval '1 millisecond', interval '1 day') as d(day)
          order by d.day`,
    );
  }
}
