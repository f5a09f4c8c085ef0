import { Injectable } from '@nestjs/common';
import { type Actor, isAdmin } from '../auth/actor.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import type { ReportOverviewView, ReportQuery } from '../contract/reports.js';
import { ReportsRepository } from './reports.repository.js';

const round = (value: number | null): number | null => (value === null ? null : Math.round(value));

@Injectable()
export class ReportsService {
  constructor(private readonly reports: ReportsRepository) {}

  async overview(actor: Actor, query: ReportQuery): Promise<ReportOverviewView> {
    if (!isAdmin(actor)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only admins may read reports');
    }
    const [totals, agents, perDay] = await Promise.all([
      this.reports.totals(query.from, query.to),
      this.reports.agents(query.from, query.to),
      this.reports.perDay(query.from, query.to),
    ]);
    return {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      conversations: totals.conversations,
      open: totals.open,
      unassigned: totals.unassigned,
      closed: totals.closed,
      medianFirstResponseMs: round(totals.median_first_response_ms),
      medianResolutionMs: round(totals.median_resolution_ms),
      csat: {
        average: totals.csat_average === null ? null : Math.round(totals.csat_average * 100) / 100,
        count: totals.csat_count,
      },
      agents: agents.map((agent) => ({
        id: agent.id,
        name: agent.name,
        assigned: agent.assigned,
        closed: agent.closed,
        medianFirstResponseMs: round(agent.median_first_response_ms),
      })),
      perDay,
    };
  }
}
