import type { HistoryRun } from '../phases/history.js';
import type { StepResult, ThroughputResult } from '../phases/throughput.js';
import type { CpuUse } from '../support/cpu-meter.js';
import type { BaselineComparison, BenchResult, TargetVerdict } from './bench-result.js';

const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? Math.round((a / b) * 100) / 100 : undefined);

export function compareWithBaseline(ours: ThroughputResult, baseline: ThroughputResult): BaselineComparison {
  const best = ours.bestSustained;
  const sameRate = best && baseline.steps.find((step) => step.offeredRate === best.offeredRate);
  return {
    throughputRatioAtP99Within50ms: ratio(ours.bestWithin50ms?.offeredRate, baseline.bestWithin50ms?.offeredRate),
    throughputRatioAtP99Within100ms: ratio(ours.bestSustained?.offeredRate, baseline.bestSustained?.offeredRate),
    atRate: sameRate ? best.offeredRate : undefined,
    p50LatencyRatio: sameRate ? ratio(best.latencyMs.p50, sameRate.latencyMs.p50) : undefined,
    p99LatencyRatio: sameRate ? ratio(best.latencyMs.p99, sameRate.latencyMs.p99) : undefined,
  };
}

// Reads the CPU of each process over the step where the limit was hit: which one ran out first.
export function explainBound(cpu: CpuUse, cores: number, healthP99Ms: number | undefined, isEmbedded: boolean): string {
  const parts: string[] = [];
  const isMachineFull = cpu.machine >= cores * 0.9;
  if (cpu.server >= 0.85) {
    parts.push(
      `server process at ${cpu.server} cores: its single JavaScript thread is saturated${isEmbedded ? ' (PGlite runs inside it)' : ''}`,
    );
  }
  if (cpu.postgres >= 0.5) {
    parts.push(`PostgreSQL at ${cpu.postgres} cores`);
  }
  if (cpu.generator >= 0.85) {
    parts.push(`load generator at ${cpu.generator} cores`);
  }
  if (isMachineFull) {
    parts.push(`machine CPU full (${cpu.machine} of ${cores} cores busy)`);
  }
  if (cpu.other >= 0.2) {
    parts.push(`other processes took ${cpu.other} cores (figures disturbed)`);
  }
  if (healthP99Ms !== undefined && healthP99Ms > 20) {
    parts.push(`server event loop lagging (GET /health p99 ${healthP99Ms} ms)`);
  }
  return parts.length > 0
    ? parts.join('; ')
    : `no CPU saturated (server ${cpu.server}, postgres ${cpu.postgres}, generator ${cpu.generator} cores): latency, not capacity`;
}

// From CPU time per message, the rates at which each resource would be full on an otherwise idle machine.
export function projectCapacity(step: StepResult, cores: number): string {
  const { server, postgres, generator } = step.cpuMicrosPerMessage;
  if (server <= 0) {
    return '';
  }
  const perMessage = server + postgres + generator;
  const serverThread = Math.round(1e6 / server);
  const machine = Math.round((cores * 1e6) / perMessage);
  const withoutGenerator = Math.round((cores * 1e6) / (server + postgres));
  return (
    `CPU per message at ${step.offeredRate} msg/s: server ${server} µs, PostgreSQL ${postgres} µs, generator ${generator} µs → ` +
    `the server's thread is full at ~${serverThread} msg/s, all ${cores} cores at ~${machine} msg/s (~${withoutGenerator} with the generator elsewhere)`
  );
}

function firstFailing(result: ThroughputResult | undefined): StepResult | undefined {
  return result?.steps.find((step) => !step.isSustained) ?? result?.steps.at(-1);
}

const THROUGHPUT_RATIO = 0.3;
const LIST_CONVERSATIONS = 10_000;
const LIST_UNREAD = 100;
const LIST_REQUESTS_PER_SECOND = 2000;
const LIST_P99_MS = 50;
const LIST_UNREAD_RATIO = 0.8;

// The admin's list over many conversations, and its cost once every one of them holds many unread messages.
function listScalingVerdicts(result: BenchResult): TargetVerdict[] {
  const l = result.listScaling;
  if (!l) {
    return [];
  }
  const isEmbedded = result.database === 'pglite';
  const describe = (run: HistoryRun) =>
    `${run.requestsPerSecond} req/s, p99 ${run.latencyMs.p99} ms${run.non2xx + run.errors > 0 ? `, ${run.non2xx} non-2xx, ${run.errors} errors` : ''}`;
  const isFast = (run: HistoryRun) =>
    run.requestsPerSecond >= LIST_REQUESTS_PER_SECOND && run.latencyMs.p99 <= LIST_P99_MS && run.non2xx === 0 && run.errors === 0;
  const isFullSize = l.conversations >= LIST_CONVERSATIONS;
  const isRatioMet = l.requestsRatio >= LIST_UNREAD_RATIO && l.manyUnread.non2xx === 0 && l.manyUnread.errors === 0;
  return [
    {
      name: `Conversation list, ${l.conversations} conversations (50 concurrent)`,
      target: `≥ ${LIST_REQUESTS_PER_SECOND} req/s, p99 ≤ ${LIST_P99_MS} ms with ${LIST_CONVERSATIONS} conversations`,
      measured: describe(l.fewUnread),
      isMet: isFullSize && isFast(l.fewUnread),
      isJudged: isFullSize,
      boundBy: isFast(l.fewUnread) ? undefined : explainBound(l.fewUnread.cpu, result.machine.cores, undefined, isEmbedded),
    },
    {
      name: `Conversation list with ${l.unreadAddedPerConversation} unread messages in each`,
      target: `within ${Math.round((1 - LIST_UNREAD_RATIO) * 100)} % of the list without (${LIST_UNREAD} unread each)`,
      measured: `${describe(l.manyUnread)}: ${l.requestsRatio} × the list without`,
      isMet: isFullSize && l.unreadAddedPerConversation >= LIST_UNREAD && isRatioMet,
      isJudged: isFullSize && l.unreadAddedPerConversation >= LIST_UNREAD,
      boundBy: isRatioMet ? undefined : explainBound(l.manyUnread.cpu, result.machine.cores, undefined, isEmbedded),
    },
  ];
}

export function judgeTargets(result: BenchResult): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const cores = result.machine.cores;
  const isEmbedded = result.database === 'pglite';
  const c = result.connections;
  if (c) {
    const wanted = 5000;
    verdicts.push({
      name: 'Concurrent authenticated sockets held',
      target: `≥ ${wanted}`,
      measured: `${c.connected} of ${c.requested} (${c.failures} failed, ${c.droppedWhileHeld} dropped in ${c.heldSeconds} s)`,
      isMet: c.connected >= wanted && c.failures === 0 && c.droppedWhileHeld === 0,
      isJudged: c.requested >= wanted,
      boundBy:
        c.requested < wanted
          ? `only ${c.requested} requested in this mode`
          : c.failures > 0
            ? `failures: ${c.failureSamples.join('; ')}`
            : undefined,
    });
    verdicts.push({
      name: 'Server resident memory per idle socket',
      target: '≤ 20 KB',
      measured: `${c.rssPerIdleConnectionKb} KB`,
      isMet: c.rssPerIdleConnectionKb <= 20,
    });
  }
  if (result.serverRssAtRestMiB !== undefined) {
    verdicts.push({
      name: `Server resident memory at rest (${isEmbedded ? 'embedded PGlite' : 'PostgreSQL'})`,
      target: isEmbedded ? 'reported' : '≤ 150 MB',
      measured: `${result.serverRssAtRestMiB} MiB`,
      isMet: isEmbedded || result.serverRssAtRestMiB <= 150,
      isJudged: !isEmbedded,
    });
  }
  // Ours against the bare relay of the same run: both at the highest offered rate whose p99 stayed within 50 ms
  // with every message delivered.
  const t = result.throughput;
  const ratioAt50 = result.comparison?.throughputRatioAtP99Within50ms;
  if (t) {
    const best = t.bestWithin50ms;
    const failing = firstFailing(t);
    const relay = result.baseline?.bestWithin50ms?.offeredRate;
    const isMet = (ratioAt50 ?? 0) >= THROUGHPUT_RATIO && result.storage?.isExactlyOnce === true;
    verdicts.push({
      name: 'Messages stored + delivered to every admin, p99 ≤ 50 ms, no loss',
      target: `≥ ${THROUGHPUT_RATIO} × the bare relay${relay ? ` (${Math.ceil(relay * THROUGHPUT_RATIO)} msg/s here)` : ''}`,
      measured: best
        ? `${best.offeredRate} msg/s (p99 ${best.latencyMs.p99} ms)${ratioAt50 === undefined ? '' : `: ${ratioAt50} × the relay's ${relay} msg/s`}`
        : 'none within 50 ms',
      isMet,
      isJudged: result.baseline !== undefined,
      boundBy:
        isMet || !failing
          ? undefined
          : [explainBound(failing.cpu, cores, failing.healthProbeMs.p99, isEmbedded), projectCapacity(t.bestSustained ?? failing, cores)]
              .filter(Boolean)
              .join('; '),
    });
  }
  if (result.storage) {
    const s = result.storage;
    verdicts.push({
      name: 'Every sent message stored exactly once',
      target: 'all',
      measured: `${s.storedExactlyOnce} of ${s.sent} sent (${s.missingAfterOkAck} acked but missing, ${s.storedMoreThanOnce} duplicated, ${s.rowsNotSentByBench} unexpected rows)`,
      isMet: s.isExactlyOnce,
    });
  }
  if (result.storage) {
    const s = result.storage;
    verdicts.push({
      name: 'Per user and conversation, messages stored in send order',
      target: 'all',
      measured: `${s.reorderedSends} sends stored before an earlier send of the same user`,
      isMet: s.isSendOrderKept,
    });
  }
  verdicts.push(...listScalingVerdicts(result));
  for (const run of result.history ?? []) {
    const wanted = run.name.endsWith('/messages') ? { rate: 4000, p99: 20 } : { rate: LIST_REQUESTS_PER_SECOND, p99: LIST_P99_MS };
    const isMet = run.requestsPerSecond >= wanted.rate && run.latencyMs.p99 <= wanted.p99 && run.non2xx === 0 && run.errors === 0;
    verdicts.push({
      name: `History read ${run.name} (50 concurrent)`,
      target: `≥ ${wanted.rate} req/s, p99 ≤ ${wanted.p99} ms`,
      measured: `${run.requestsPerSecond} req/s, p99 ${run.latencyMs.p99} ms${run.non2xx + run.errors > 0 ? `, ${run.non2xx} non-2xx, ${run.errors} errors` : ''}`,
      isMet,
      boundBy: isMet ? undefined : explainBound(run.cpu, cores, undefined, isEmbedded),
    });
  }
  return verdicts;
}
