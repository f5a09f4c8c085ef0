import { z } from 'zod';

const DAY_MS = 86_400_000;
export const MAX_REPORT_DAYS = 366;
export const DEFAULT_REPORT_DAYS = 30;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 0, 1);

// A day (YYYY-MM-DD, UTC) or an ISO 8601 instant; `to` as a day means the end of that day.
const instant = (edge: 'from' | 'to') =>
  z
    .string()
    .max(40)
    .refine((value) => !Number.isNaN(Date.parse(value)), { message: 'must be a date (YYYY-MM-DD) or an ISO 8601 time' })
    .transform((value) => {
      const at = new Date(Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00.000Z` : value));
      return edge === 'to' && DATE_ONLY.test(value) ? new Date(at.getTime() + DAY_MS) : at;
    })
    // Four-digit years only: beyond them ISO strings (and PostgreSQL's timestamps) change shape.
    .refine((at) => at.getTime() >= EARLIEST && at.getTime() <= LATEST, { message: 'must be between the years 1970 and 9998' });

export const reportQuerySchema = z
  .strictObject({
    from: instant('from').optional().describe(`Start (inclusive); default ${DEFAULT_REPORT_DAYS} days before to`),
    to: instant('to').optional().describe('End (exclusive; a day includes itself); default now'),
  })
  .transform(({ from, to }) => {
    const end = to ?? new Date();
    return { from: from ?? new Date(end.getTime() - DEFAULT_REPORT_DAYS * DAY_MS), to: end };
  })
  .refine(({ from, to }) => from < to, { message: 'from must be before to', path: ['from'] })
  .refine(({ from, to }) => to.getTime() - from.getTime() <= MAX_REPORT_DAYS * DAY_MS, {
    message: `at most ${MAX_REPORT_DAYS} days`,
    path: ['to'],
  });
export type ReportQuery = z.output<typeof reportQuerySchema>;

export interface AgentReportView {
  id: number;
  name: string;
  // Conversations started in the range that are assigned to the agent now.
  assigned: number;
  // Closed in the range while assigned to the agent.
  closed: number;
  medianFirstResponseMs: number | null;
}

export interface ReportOverviewView {
  from: string;
  to: string;
  // Started in the range.
  conversations: number;
  // Of those: still ACTIVE, ACTIVE and unassigned.
  open: number;
  unassigned: number;
  // Closed in the range.
  closed: number;
  // First customer message to the first public admin answer, over conversations started in the range.
  medianFirstResponseMs: number | null;
  // Start to close, over conversations closed in the range.
  medianResolutionMs: number | null;
  csat: { average: number | null; count: number };
  agents: AgentReportView[];
  // Conversations started per UTC day.
  perDay: { date: string; count: number }[];
}
