import { useEffect, useId, useState } from 'react';
import { ApiError } from '../api/api-error.js';
import type { ReportOverviewView } from '@contract/reports';
import { useDocumentTitle } from '../document-title.js';
import { ROUTES } from '../routing/routes.js';
import { navigate } from '../routing/use-route.js';
import { useSignedIn } from '../session/session-context.js';
import { PerDayChart } from './per-day-chart.js';
import styles from './reports-page.module.css';

const DAY_MS = 86_400_000;

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function formatDuration(ms: number | null): string {
  if (ms === null) {
    return '—';
  }
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) {
    return `${seconds} s`;
  }
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.round(hours / 24)} days`;
}

// The team's outcome over a range of days: counts, medians, CSAT, per agent, and conversations per day.
export function ReportsPage() {
  const { api } = useSignedIn();
  const [from, setFrom] = useState(() => day(new Date(Date.now() - 29 * DAY_MS)));
  const [to, setTo] = useState(() => day(new Date()));
  const [report, setReport] = useState<
    { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; value: ReportOverviewView }
  >({
    state: 'loading',
  });
  const fromId = useId();
  const toId = useId();
  useDocumentTitle('Reports', 0);

  useEffect(() => {
    let isCurrent = true;
    api.reportOverview(from, to).then(
      (value) => isCurrent && setReport({ state: 'ready', value }),
      (error: unknown) =>
        isCurrent && setReport({ state: 'failed', message: error instanceof ApiError ? error.message : 'The report could not be loaded.' }),
    );
    return () => {
      isCurrent = false;
    };
  }, [api, from, to]);

  const value = report.state === 'ready' ? report.value : undefined;
  return (
    <section className={styles.page} aria-labelledby="reports-title">
      <div className={styles.header}>
        <button type="button" className="secondary-button" onClick={() => navigate(ROUTES.inbox)}>
          <span aria-hidden="true">←</span> Inbox
        </button>
        <h1 id="reports-title" className={styles.title}>
          Reports
        </h1>
        <label htmlFor={fromId}>From</label>
        <input id={fromId} type="date" value={from} max={to} onChange={(event) => event.target.value && setFrom(event.target.value)} />
        <label htmlFor={toId}>To</label>
        <input id={toId} type="date" value={to} min={from} onChange={(event) => event.target.value && setTo(event.target.value)} />
      </div>
      {report.state === 'loading' && <p>Loading the report…</p>}
      {report.state === 'failed' && <p role="alert">{report.message}</p>}
      {value && (
        <>
          <dl className={styles.cards} data-testid="report-totals">
            <Card label="Conversations" value={String(value.conversations)} />
            <Card label="Open" value={String(value.open)} />
            <Card label="Unassigned" value={String(value.unassigned)} />
            <Card label="Closed" value={String(value.closed)} />
            <Card label="Median first response" value={formatDuration(value.medianFirstResponseMs)} />
            <Card label="Median resolution" value={formatDuration(value.medianResolutionMs)} />
            <Card
              label="Customer satisfaction"
              value={value.csat.average === null ? '—' : `${value.csat.average.toFixed(1)} / 5 (${value.csat.count})`}
            />
          </dl>
          <h2 className={styles.subtitle}>Conversations per day</h2>
          <PerDayChart days={value.perDay} />
          <h2 className={styles.subtitle}>Agents</h2>
          <table className={styles.table} data-testid="report-agents">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Assigned</th>
                <th scope="col">Closed</th>
                <th scope="col">Median first response</th>
              </tr>
            </thead>
            <tbody>
              {value.agents.map((agent) => (
                <tr key={agent.id}>
                  <th scope="row">{agent.name}</th>
                  <td>{agent.assigned}</td>
                  <td>{agent.closed}</td>
                  <td>{formatDuration(agent.medianFirstResponseMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Card({ label, value }: { label: string; value: string }) {
  return (
    <div className={styles.card}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
