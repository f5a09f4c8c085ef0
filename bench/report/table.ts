import type { HistoryRun } from '../phases/history.js';
import type { StepResult, ThroughputResult } from '../phases/throughput.js';
import type { BenchResult } from './bench-result.js';

function columns(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, index) => Math.max(...rows.map((row) => (row[index] ?? '').length))) ?? [];
  return rows.map((row) => '  ' + row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0))).join('  '));
}

function stepRows(steps: StepResult[]): string[] {
  const header = [
    'offered/s',
    'delivered/s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'errors',
    'cpu srv/pg/gen/other',
    'µs/msg srv/pg/gen',
    '/health p99',
    'verdict',
  ];
  return columns([
    header,
    ...steps.map((step) => [
      String(step.offeredRate),
      String(step.deliveredRate),
      String(step.latencyMs.p50),
      String(step.latencyMs.p95),
      String(step.latencyMs.p99),
      String(step.latencyMs.max),
      String(step.ackErrors + step.ackTimeouts + step.undelivered),
      `${step.cpu.server}/${step.cpu.postgres}/${step.cpu.generator}/${step.cpu.other}`,
      `${step.cpuMicrosPerMessage.server}/${step.cpuMicrosPerMessage.postgres}/${step.cpuMicrosPerMessage.generator}`,
      String(step.healthProbeMs.p99),
      (step.attempt ?? 1) > 1 ? `${step.verdict} (try ${step.attempt})` : step.verdict,
    ]),
  ]);
}

// The figures of one autocannon run, as the history and list-scaling tables show them after their own columns.
function httpRunCells(run: HistoryRun): string[] {
  return [
    String(run.requestsPerSecond),
    String(run.latencyMs.p50),
    String(run.latencyMs.p99),
    String(run.latencyMs.max),
    String(run.non2xx + run.errors),
    `${run.cpu.server}/${run.cpu.postgres}/${run.cpu.generator}/${run.cpu.other}`,
    `${run.cpuMicrosPerRequest.server}/${run.cpuMicrosPerRequest.postgres}/${run.cpuMicrosPerRequest.generator}`,
  ];
}

function bestLines(result: ThroughputResult): string[] {
  const describe = (step: StepResult | undefined) =>
    step
      ? `${step.offeredRate} msg/s (p50 ${step.latencyMs.p50}, p95 ${step.latencyMs.p95}, p99 ${step.latencyMs.p99}, max ${step.latencyMs.max} ms)`
      : 'none';
  return [
    `  highest sustained, p99 ≤ 100 ms: ${describe(result.bestSustained)}`,
    `  highest with p99 ≤ 50 ms:        ${describe(result.bestWithin50ms)}`,
    `  ${result.stopReason}`,
  ];
}

export function formatTable(result: BenchResult): string {
  const m = result.machine;
  const lines: string[] = [];
  lines.push(
    `Support chat load bench: ${result.mode} run on ${result.database === 'pglite' ? 'embedded PGlite' : `PostgreSQL ${m.postgres ?? ''}`}, ` +
      `${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}, ${result.durationSeconds} s`,
  );
  lines.push(
    `Server ${result.settings.serverRevision}, LOG_LEVEL=${result.settings.logLevel}, DB pool ${result.settings.poolSize}; ` +
      `machine busy before start: ${m.busyCoresBeforeStart ?? '?'} cores; open files: generator ${m.generatorMaxOpenFiles ?? '?'}, server ${m.serverMaxOpenFiles ?? '?'}`,
  );
  lines.push(
    `Accounts created through the API: ${result.accounts.users} users + ${result.accounts.admins} admins in ${result.accounts.seconds} s (scrypt per account)`,
  );
  const c = result.connections;
  if (c) {
    lines.push('', 'Phase 1: connections');
    lines.push(
      ...columns([
        [
          'sockets held',
          `${c.connected} of ${c.requested}: ${c.requested - c.admins} user sockets over ${c.distinctUsers} users (${c.socketsPerUser} tabs each) + ${c.admins} admins`,
        ],
        [
          'time to connect all',
          `${c.connectSeconds} s (${c.connectsPerSecond}/s, cpu srv ${c.cpuWhileConnecting.server} gen ${c.cpuWhileConnecting.generator})`,
        ],
        [
          'failures',
          `${c.failures}${c.failureSamples.length ? ` (${c.failureSamples.join('; ')})` : ''}, dropped while held ${c.heldSeconds} s: ${c.droppedWhileHeld}`,
        ],
        [
          'server RSS',
          `${Math.round(c.serverRssBeforeKb / 1024)} MB before → ${Math.round(c.serverRssHeldKb / 1024)} MB held → ${Math.round(c.serverRssAfterCloseKb / 1024)} MB after close`,
        ],
        ['RSS per idle socket', `${c.rssPerIdleConnectionKb} KB`],
      ]),
    );
  }
  const t = result.throughput;
  if (t) {
    lines.push(
      '',
      `Phase 2: conversation throughput (${t.users} users in their own conversations, ${t.admins} admins listening, ${result.settings.stepSeconds} s steps, open loop)`,
    );
    lines.push(...stepRows(t.steps), ...bestLines(t));
  }
  const s = result.storage;
  if (s) {
    lines.push(
      `  stored exactly once: ${s.isExactlyOnce ? 'yes' : 'NO'} (${s.storedExactlyOnce} of ${s.sent} sent, ${s.acked} acked, ${s.rowsInDatabase} rows; ` +
        `${s.missingAfterOkAck} acked but missing, ${s.missingWithoutOkAck} unacked and missing, ${s.storedMoreThanOnce} duplicated; ` +
        `${s.conversationsWithSeqGaps} conversations with seq gaps)`,
      `  sender order kept: ${s.isSendOrderKept ? 'yes' : 'NO'} (${s.reorderedSends} sends stored before an earlier send of the same user)`,
    );
  }
  if (result.history) {
    lines.push(
      '',
      `Phase 3: history reads (autocannon, ${result.history[0]?.connections ?? 50} connections, ${result.settings.historySeconds} s each)`,
    );
    lines.push(
      ...columns([
        ['endpoint', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'cpu srv/pg/gen/other', 'µs/req srv/pg/gen'],
        ...result.history.map((run) => [run.name, ...httpRunCells(run)]),
      ]),
    );
  }
  const l = result.listScaling;
  if (l) {
    lines.push(
      '',
      `Phase 3b: list scaling (admin's GET /chat/conversations, autocannon, ${l.fewUnread.connections} connections, ${l.fewUnread.seconds} s each; ` +
        `${l.conversations} conversations seeded in ${l.seedSeconds} s, ${l.unreadAddedPerConversation} unread messages added to each in ${l.unreadSeedSeconds} s)`,
    );
    lines.push(
      ...columns([
        ['conversations', 'unread each', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'cpu srv/pg/gen/other', 'µs/req srv/pg/gen'],
        ...[
          { run: l.fewUnread, unread: '≤ 1' },
          { run: l.manyUnread, unread: `≥ ${l.unreadAddedPerConversation}` },
        ].map(({ run, unread }) => [String(l.conversations), unread, ...httpRunCells(run)]),
      ]),
      `  with unread / without: ${l.requestsRatio} × the requests per second`,
    );
  }
  const b = result.baseline;
  if (b) {
    lines.push('', 'Phase 4: bare Socket.IO baseline (same Node, transport options, rooms and payloads; no auth, no database)');
    lines.push(...stepRows(b.steps), ...bestLines(b));
    const r = result.comparison;
    if (r) {
      lines.push(
        `  ours / baseline: throughput at p99 ≤ 50 ms ${r.throughputRatioAtP99Within50ms ?? 'n/a'}, at p99 ≤ 100 ms ${r.throughputRatioAtP99Within100ms ?? 'n/a'}` +
          (r.atRate ? `; latency at ${r.atRate} msg/s: p50 ×${r.p50LatencyRatio}, p99 ×${r.p99LatencyRatio}` : ''),
      );
    }
  }
  if (result.insertCeiling) {
    lines.push('', 'Database ceiling: pg insert loops of the same rows into copies of the tables');
    lines.push(
      ...columns([
        ['statement', 'clients', 'rows/s', 'p50 ms/stmt', 'p99 ms/stmt', 'cpu pg/gen'],
        ...result.insertCeiling.map((run) => [
          run.name,
          String(run.clients),
          String(run.rowsPerSecond),
          String(run.latencyMs.p50),
          String(run.latencyMs.p99),
          `${run.cpu.postgres}/${run.cpu.generator}`,
        ]),
      ]),
    );
  }
  if (result.targets.length > 0) {
    lines.push('', 'Targets');
    lines.push(
      ...columns([
        ['', 'target', 'measured', 'met', 'bound by'],
        ...result.targets.map((verdict) => [
          verdict.name,
          verdict.target,
          verdict.measured,
          verdict.isJudged === false ? 'n/a' : verdict.isMet ? 'yes' : 'NO',
          verdict.boundBy ?? '',
        ]),
      ]),
    );
  }
  for (const note of result.notes) {
    lines.push(`note: ${note}`);
  }
  if (result.error) {
    lines.push('', `FAILED: ${result.error}`);
  }
  return lines.join('\n');
}
