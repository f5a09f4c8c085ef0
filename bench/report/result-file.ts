import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from '../options.js';
import { describeRevision } from '../support/revision.js';
import type { BenchResult } from './bench-result.js';
import { chartTitle, latencyChart } from './svg-chart.js';

// File names sort by time: 2026-11-25T16-09-56Z (no colons, which some file systems refuse).
export function stampOf(date: Date): string {
  return date
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
}

// The result before anything ran, so a failed run still writes what it knows.
export function emptyResult(options: BenchOptions, started: Date, repoDir: string, defaultPoolSize: number): BenchResult {
  return {
    startedAt: started.toISOString(),
    finishedAt: '',
    durationSeconds: 0,
    mode: options.isQuick ? 'quick' : 'full',
    database: options.isEmbedded ? 'pglite' : 'postgres',
    label: options.label,
    machine: { cores: 0, cpuModel: '', memoryGb: 0, node: process.version, kernel: '' },
    settings: {
      connections: options.connections,
      users: options.users,
      admins: options.admins,
      stepSeconds: options.stepSeconds,
      historySeconds: options.historySeconds,
      listConversations: options.listConversations,
      listUnread: options.listUnread,
      logLevel: options.logLevel,
      poolSize: String(options.poolSize ?? `${defaultPoolSize} (server default)`),
      serverDir: options.serverDir === repoDir ? '.' : options.serverDir,
      serverRevision: describeRevision(options.serverDir),
      cpuProfile: options.cpuProfile,
    },
    accounts: { users: 0, admins: 0, seconds: 0 },
    targets: [],
    notes: [],
  };
}

// <stamp>-<full|quick>[-embedded][-label].json, and the .svg chart beside it when phase 2 ran.
export function writeResultFiles(result: BenchResult, resultsDir: string, stamp: string): { jsonFile: string; svgFile?: string } {
  const name = [stamp, result.mode, result.database === 'pglite' ? 'embedded' : undefined, result.label].filter(Boolean).join('-');
  mkdirSync(resultsDir, { recursive: true });
  const jsonFile = join(resultsDir, `${name}.json`);
  writeFileSync(jsonFile, `${JSON.stringify(result, null, 2)}\n`);
  if (!result.throughput) {
    return { jsonFile };
  }
  const svgFile = join(resultsDir, `${name}.svg`);
  writeFileSync(svgFile, latencyChart(chartTitle(result), result.throughput.steps, result.baseline?.steps));
  return { jsonFile, svgFile };
}
