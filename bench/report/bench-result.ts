import type { ConnectionsResult } from '../phases/connections.js';
import type { HistoryRun } from '../phases/history.js';
import type { InsertCeilingRun } from '../phases/insert-ceiling.js';
import type { ListScalingResult } from '../phases/list-scaling.js';
import type { StorageCheck } from '../phases/storage-check.js';
import type { ThroughputResult } from '../phases/throughput.js';
import type { ProfileSummary } from '../support/cpu-profile.js';
import type { MachineInfo } from '../support/machine.js';

export interface BaselineComparison {
  // Ours / baseline, highest rate whose p99 stayed within the bound.
  throughputRatioAtP99Within50ms?: number;
  throughputRatioAtP99Within100ms?: number;
  // Ours / baseline at the same offered rate (our best sustained one).
  atRate?: number;
  p50LatencyRatio?: number;
  p99LatencyRatio?: number;
}

export interface TargetVerdict {
  name: string;
  target: string;
  measured: string;
  isMet: boolean;
  // False when this run was too small to judge (quick mode, fewer sockets asked for).
  isJudged?: boolean;
  boundBy?: string;
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  mode: 'full' | 'quick';
  database: 'postgres' | 'pglite';
  label?: string;
  machine: MachineInfo & { serverMaxOpenFiles?: number; busyCoresBeforeStart?: number };
  settings: {
    connections: number;
    users: number;
    admins: number;
    stepSeconds: number;
    historySeconds: number;
    listConversations: number;
    listUnread: number;
    logLevel: string;
    poolSize: string;
    serverDir: string;
    serverRevision: string;
    cpuProfile: boolean;
  };
  accounts: { users: number; admins: number; seconds: number };
  // VmRSS of the server 5 s after it answered /health, before any account or socket.
  serverRssAtRestMiB?: number;
  connections?: ConnectionsResult;
  throughput?: ThroughputResult;
  storage?: StorageCheck;
  history?: HistoryRun[];
  listScaling?: ListScalingResult;
  baseline?: ThroughputResult;
  comparison?: BaselineComparison;
  insertCeiling?: InsertCeilingRun[];
  targets: TargetVerdict[];
  // With --cpu-prof: the server's profile, one summary per phase.
  profiles?: ProfileSummary[];
  notes: string[];
  error?: string;
}
