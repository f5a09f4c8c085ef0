import type { CpuUse } from '../support/cpu-meter.js';
import { type LatencySummary, round, summarise } from '../support/percentiles.js';

const P99_LIMIT_MS = 100;
// Width of the windows of the latency timeline.
const WINDOW_MS = 500;

// The latency of the messages sent in one window of a step; `at` is the window's start on the wall clock, so a
// spike can be set beside PostgreSQL's log (checkpoints, autovacuum) or the server's.
export interface LatencyWindow {
  at: string;
  sent: number;
  undelivered: number;
  p99: number;
  max: number;
}

export interface StepResult {
  offeredRate: number;
  seconds: number;
  sent: number;
  sendRate: number;
  acked: number;
  ackErrors: number;
  ackErrorSamples: string[];
  ackTimeouts: number;
  delivered: number;
  undelivered: number;
  duplicateDeliveries: number;
  deliveredRate: number;
  latencyMs: LatencySummary;
  latencyTimeline: LatencyWindow[];
  ackLatencyMs: LatencySummary;
  healthProbeMs: LatencySummary & { failures: number };
  generatorLoopDelayMs: { p99: number; max: number };
  cpu: CpuUse;
  // CPU time per delivered message: unlike latency, barely moved by other load on a shared machine.
  cpuMicrosPerMessage: { server: number; postgres: number; generator: number };
  isSustained: boolean;
  verdict: string;
  // 2 or 3 when earlier tries of this rate failed while other processes loaded the machine (kept in disturbedAttempts).
  attempt?: number;
}

// One offered-rate step, from the per-message arrays of the phase: outcome counts, latency, rates and the verdict.
export function summariseStep(s: {
  rate: number;
  seconds: number;
  sendSeconds: number;
  first: number;
  last: number;
  started: number;
  sentAt: number[];
  ackAt: number[];
  ackState: number[];
  deliveredAt: number[];
  errorSamples: string[];
  duplicates: number;
  healthProbeMs: LatencySummary & { failures: number };
  loopDelay: { p99: number; max: number };
  cpu: CpuUse;
}): StepResult {
  const latencies: number[] = [];
  const ackLatencies: number[] = [];
  let acked = 0;
  let ackErrors = 0;
  let ackTimeouts = 0;
  let lastDelivery = s.started;
  for (let index = s.first; index < s.last; index++) {
    const state = s.ackState[index];
    if (state === 1) {
      acked++;
      ackLatencies.push((s.ackAt[index] as number) - (s.sentAt[index] as number));
    } else if (state === 2) {
      ackErrors++;
    } else {
      ackTimeouts++;
    }
    const delivered = s.deliveredAt[index] as number;
    if (!Number.isNaN(delivered)) {
      latencies.push(delivered - (s.sentAt[index] as number));
      lastDelivery = Math.max(lastDelivery, delivered);
    }
  }
  const sent = s.last - s.first;
  const latencyMs = roundSummary(summarise(latencies));
  const undelivered = sent - latencies.length;
  // Delivered per second over the whole time it took, so a server that falls behind shows a lower rate.
  const deliveredRate = Math.round(latencies.length / Math.max(s.seconds, (lastDelivery - s.started) / 1000));
  const sendRate = Math.round(sent / s.sendSeconds);
  const errors = ackErrors + ackTimeouts + undelivered;
  let verdict = 'sustained';
  if (sent < 0.9 * s.rate * s.seconds) {
    verdict = 'generator could not send at this rate';
  } else if (errors > 0) {
    verdict = `${errors} errors (${ackErrors} failed acks, ${ackTimeouts} ack timeouts, ${undelivered} not delivered to every admin)`;
  } else if (latencyMs.p99 > P99_LIMIT_MS) {
    verdict = `p99 ${latencyMs.p99} ms > ${P99_LIMIT_MS} ms`;
  }
  return {
    offeredRate: s.rate,
    seconds: s.seconds,
    sent,
    sendRate,
    acked,
    ackErrors,
    ackErrorSamples: s.errorSamples,
    ackTimeouts,
    delivered: latencies.length,
    undelivered,
    duplicateDeliveries: s.duplicates,
    deliveredRate,
    latencyMs,
    latencyTimeline: timeline(s),
    ackLatencyMs: roundSummary(summarise(ackLatencies)),
    healthProbeMs: { ...roundSummary(s.healthProbeMs), failures: s.healthProbeMs.failures },
    generatorLoopDelayMs: s.loopDelay,
    cpu: s.cpu,
    cpuMicrosPerMessage: perMessage(s.cpu, deliveredRate),
    isSustained: verdict === 'sustained',
    verdict,
  };
}

function timeline(s: { first: number; last: number; started: number; sentAt: number[]; deliveredAt: number[] }): LatencyWindow[] {
  const windows: { latencies: number[]; undelivered: number }[] = [];
  for (let index = s.first; index < s.last; index++) {
    const sentAt = s.sentAt[index] as number;
    const delivered = s.deliveredAt[index] as number;
    const window = (windows[Math.floor((sentAt - s.started) / WINDOW_MS)] ??= { latencies: [], undelivered: 0 });
    if (Number.isNaN(delivered)) {
      window.undelivered++;
    } else {
      window.latencies.push(delivered - sentAt);
    }
  }
  return Array.from(windows, (window, slot) => {
    const summary = summarise(window?.latencies ?? []);
    return {
      at: new Date(performance.timeOrigin + s.started + slot * WINDOW_MS).toISOString(),
      sent: summary.count + (window?.undelivered ?? 0),
      undelivered: window?.undelivered ?? 0,
      p99: round(summary.p99),
      max: round(summary.max),
    };
  });
}

function perMessage(cpu: CpuUse, ratePerSecond: number): { server: number; postgres: number; generator: number } {
  const micros = (cores: number) => (ratePerSecond > 0 ? Math.round((cores * 1e6) / ratePerSecond) : 0);
  return { server: micros(cpu.server), postgres: micros(cpu.postgres), generator: micros(cpu.generator) };
}

function roundSummary(summary: LatencySummary): LatencySummary {
  return {
    count: summary.count,
    p50: round(summary.p50),
    p95: round(summary.p95),
    p99: round(summary.p99),
    max: round(summary.max),
    mean: round(summary.mean),
  };
}
