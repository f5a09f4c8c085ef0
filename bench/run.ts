import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runBaselinePhase } from './phases/baseline.js';
import { runConnectionsPhase } from './phases/connections.js';
import { runHistoryPhase } from './phases/history.js';
import { runInsertCeiling } from './phases/insert-ceiling.js';
import { runListScalingPhase } from './phases/list-scaling.js';
import { checkStorage } from './phases/storage-check.js';
import { type ChatTarget, offeredRates, runThroughputPhase } from './phases/throughput.js';
import type { BenchResult } from './report/bench-result.js';
import { emptyResult, stampOf, writeResultFiles } from './report/result-file.js';
import { formatTable } from './report/table.js';
import { compareWithBaseline, judgeTargets } from './report/targets.js';
import { type BenchOptions, parseOptions } from './options.js';
import { createAdmins, loginDemoAdmin, registerUsers } from './support/accounts.js';
import { BenchDatabase } from './support/bench-database.js';
import { startChatServer } from './support/chat-server.js';
import { killAllChildren } from './support/child-server.js';
import { Cleanup } from './support/cleanup.js';
import { CpuMeter } from './support/cpu-meter.js';
import { formatProfile, type ProfileWindow, summariseCpuProfile } from './support/cpu-profile.js';
import { describeMachine } from './support/machine.js';
import { countStoredOnPglite, countStoredOnPostgres } from './support/message-count.js';
import { maxOpenFiles, residentKb } from './support/proc-stats.js';
import { waitForQuietMachine } from './support/quiet-machine.js';
import { sleep, withTimeout } from './support/timing.js';

const BENCH_DIST_DIR = import.meta.dirname;
const REPO_DIR = resolve(BENCH_DIST_DIR, '../..');
const RESULTS_DIR = join(REPO_DIR, 'bench/results');
const DEFAULT_POOL_SIZE = 10;

// Progress goes to stderr; stdout carries only the final table.
const log = (line: string) => process.stderr.write(`${line}\n`);
const cleanup = new Cleanup();

function newestProfile(dir: string): string | undefined {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => join(dir, name))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  } catch {
    return undefined;
  }
}

async function runBench(options: BenchOptions, result: BenchResult, stamp: string): Promise<void> {
  const phaseBudget = (fullSeconds: number, quickSeconds: number) => Date.now() + (options.isQuick ? quickSeconds : fullSeconds) * 1000;
  result.machine = await describeMachine(options.isEmbedded ? undefined : options.databaseUrl);
  result.machine.busyCoresBeforeStart = await waitForQuietMachine(options.quietWaitSeconds, log);
  const needed = options.connections + options.admins + 200;
  if ((result.machine.generatorMaxOpenFiles ?? Infinity) < needed) {
    throw new Error(`ulimit -n is ${result.machine.generatorMaxOpenFiles}; ${needed} sockets are needed (raise it with ulimit -n)`);
  }

  let database: BenchDatabase | undefined;
  if (!options.isEmbedded) {
    database = await BenchDatabase.create(options.databaseUrl);
    const created = database;
    cleanup.add('drop the bench database', () => created.drop());
    log(`database ${database.name} created on ${new URL(options.databaseUrl).host}`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-bench-'));
  cleanup.add('remove the temporary data dir', async () => rmSync(dataDir, { recursive: true, force: true }));
  const profileDir = options.cpuProfile ? join(RESULTS_DIR, 'profiles', stamp) : undefined;

  const server = await startChatServer({
    serverDir: options.serverDir,
    databaseUrl: database?.url,
    dataDir,
    logLevel: options.logLevel,
    poolSize: options.poolSize,
    cpuProfileDir: profileDir,
    logFile: join(dataDir, 'server.log'),
  });
  cleanup.add('stop the chat server', () => server.stop());
  result.machine = { ...result.machine, serverMaxOpenFiles: maxOpenFiles(server.pid) };
  log(`server pid ${server.pid} ready at ${server.url} (NODE_ENV=test, LOG_LEVEL=${options.logLevel})`);
  const cpu = await CpuMeter.open(() => server.pid, database?.url);
  // Each phase's span on the server's clock, so its CPU profile can be cut per phase.
  const windows: ProfileWindow[] = [];
  const timed = async <T>(name: string, phase: () => Promise<T>): Promise<T> => {
    const fromMs = performance.now() - server.spawnedAt;
    try {
      return await phase();
    } finally {
      windows.push({ name, fromMs, toMs: performance.now() - server.spawnedAt });
    }
  };
  cleanup.add('close the CPU meter', () => cpu.close());

  // At rest: started, migrated, nothing asked of it yet but a few seconds to settle.
  await sleep(5_000);
  result.serverRssAtRestMiB = Math.round((residentKb(server.pid) / 1024) * 10) / 10;
  log(`server RSS at rest: ${result.serverRssAtRestMiB} MiB`);

  try {
    const accountsStarted = performance.now();
    const runId = stamp.replace(/\W/g, '').toLowerCase();
    const demoAdmin = await loginDemoAdmin(server.url);
    const admins = await createAdmins(server.url, demoAdmin, options.admins, runId, phaseBudget(120, 20));
    const users = await registerUsers(server.url, options.users, runId, phaseBudget(300, 30));
    result.accounts = { users: users.length, admins: admins.length, seconds: Math.round((performance.now() - accountsStarted) / 100) / 10 };
    log(`accounts: ${users.length} users + ${admins.length} admins in ${result.accounts.seconds} s`);

    if (options.phases.has('connections')) {
      log(`phase 1: ${options.connections} user sockets + ${admins.length} admin sockets`);
      result.connections = await timed('connections', () =>
        runConnectionsPhase({
          baseUrl: server.url,
          serverPid: server.pid,
          users,
          admins,
          connections: options.connections,
          holdSeconds: options.isQuick ? 2 : 10,
          deadline: phaseBudget(120, 20),
          cpu,
        }),
      );
      log(
        `  ${result.connections.connected} connected in ${result.connections.connectSeconds} s, ${result.connections.rssPerIdleConnectionKb} KB RSS per idle socket`,
      );
    }

    // Phase 2 also opens every user's conversation, which the history reads need: with throughput deselected only that runs.
    const isThroughputRun = options.phases.has('throughput');
    log(isThroughputRun ? `phase 2: ${users.length} users, ${admins.length} admins, rising offered rate` : 'opening conversations');
    const target: ChatTarget = {
      kind: 'server',
      baseUrl: server.url,
      healthPath: '/health',
      userAuth: (index) => ({ token: users[index]?.token }),
      adminAuth: (index) => ({ token: admins[index]?.token }),
    };
    const throughput = await timed('throughput', () =>
      runThroughputPhase({
        target,
        users: users.length,
        admins: admins.length,
        rates: isThroughputRun ? (options.rates ?? offeredRates(options.isQuick)) : [],
        stepSeconds: options.stepSeconds,
        keepGoing: options.keepGoing,
        deadline: phaseBudget(170, 22),
        cpu,
        log,
      }),
    );
    if (isThroughputRun) {
      result.throughput = throughput.result;
    }

    if (options.phases.has('history')) {
      log('phase 3: history reads with autocannon');
      await sleep(1_000);
      result.history = await timed('history', () =>
        runHistoryPhase({
          baseUrl: server.url,
          adminToken: admins[0]?.token ?? demoAdmin.token,
          conversationIds: throughput.conversationIds.slice(0, 200),
          seconds: options.historySeconds,
          cpu,
        }),
      );
    }

    if (options.phases.has('list-scaling')) {
      if (database) {
        log(`phase 3b: list scaling, ${options.listConversations} conversations, then ${options.listUnread} unread messages in each`);
        const listDatabase = database;
        result.listScaling = await timed('list-scaling', () =>
          runListScalingPhase({
            baseUrl: server.url,
            databaseUrl: listDatabase.url,
            adminToken: admins[0]?.token ?? demoAdmin.token,
            runId,
            conversations: options.listConversations,
            unreadPerConversation: options.listUnread,
            seconds: options.historySeconds,
            deadline: phaseBudget(240, 15),
            cpu,
            log,
          }),
        );
      } else {
        // The seed is SQL from outside the server, which PGlite (inside the server's process) does not allow.
        result.notes.push('list-scaling skipped: it seeds PostgreSQL directly and runs without --embedded only');
      }
    }

    await server.stop();
    const stored = await withTimeout(
      database ? countStoredOnPostgres(database.url) : countStoredOnPglite(join(dataDir, 'pgdata')),
      60_000,
      'counting stored messages',
    );
    result.storage = checkStorage(throughput.ledger, stored, result.listScaling?.seededMessages ?? 0);
    if (profileDir) {
      const file = newestProfile(profileDir);
      if (file) {
        result.profiles = windows.map((window) => summariseCpuProfile(file, 25, window));
        result.profiles.forEach((profile) => log(formatProfile(profile)));
        log(`whole profile: node dist/bench/profile-summary.js ${file}`);
      } else {
        result.notes.push(`no .cpuprofile appeared in ${profileDir}`);
      }
    }
  } catch (error) {
    log(`server log tail (${server.logFile}):\n${server.logTail(30)}`);
    throw error;
  } finally {
    await server.stop();
  }

  if (database && options.phases.has('ceiling')) {
    log('database ceiling: pg insert loops');
    const databaseCpu = await CpuMeter.open(() => undefined, database.url);
    try {
      result.insertCeiling = await runInsertCeiling({
        url: database.url,
        clients: Math.min(options.poolSize ?? DEFAULT_POOL_SIZE, options.users),
        conversations: options.users,
        seconds: options.isQuick ? 1 : 5,
        cpu: databaseCpu,
      });
    } finally {
      await databaseCpu.close();
    }
  }

  if (options.phases.has('baseline')) {
    log('phase 4: bare Socket.IO baseline');
    result.baseline = await runBaselinePhase({
      benchDistDir: BENCH_DIST_DIR,
      logFile: join(dataDir, 'baseline.log'),
      users: options.users,
      admins: options.admins,
      rates: options.rates ?? offeredRates(options.isQuick),
      stepSeconds: options.stepSeconds,
      keepGoing: options.keepGoing,
      deadline: phaseBudget(170, 22),
      cleanup,
      log,
    });
    if (result.throughput) {
      result.comparison = compareWithBaseline(result.throughput, result.baseline);
    }
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), { repoDir: REPO_DIR, resultsDir: RESULTS_DIR });
  const started = new Date();
  const stamp = stampOf(started);
  const result = emptyResult(options, started, REPO_DIR, DEFAULT_POOL_SIZE);
  // A hard ceiling on the whole run, beyond every phase's own budget.
  const budgetMs = options.isQuick ? 110_000 : 15 * 60_000;
  const watchdog = setTimeout(() => void abort(`time budget of ${budgetMs / 1000} s exceeded`, 2), budgetMs);
  process.once('SIGINT', () => void abort('interrupted', 130));
  process.once('SIGTERM', () => void abort('terminated', 143));
  let exitCode = 0;
  try {
    await runBench(options, result, stamp);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    exitCode = 1;
  } finally {
    clearTimeout(watchdog);
    await cleanup.runAll(log);
  }
  result.finishedAt = new Date().toISOString();
  result.durationSeconds = Math.round((Date.now() - started.getTime()) / 1000);
  result.targets = judgeTargets(result);
  result.notes.push(
    'One load-generator process on the same machine as the server and PostgreSQL; its CPU is in every cpu column.',
    `Latency = time the last of the admin sockets received newMessage minus send time, one clock (performance.now()).`,
  );
  const { jsonFile, svgFile } = writeResultFiles(result, options.resultsDir, stamp);
  console.log(formatTable(result));
  // Figures are never asserted (the machine may be shared), but a lost, doubled or reordered message is a bug, not a figure.
  if (exitCode === 0 && result.storage && !result.storage.isExactlyOnce) {
    console.log('\nFAILED: a message was lost or stored twice (see "stored exactly once")');
    exitCode = 4;
  }
  if (exitCode === 0 && result.storage && !result.storage.isSendOrderKept) {
    console.log('\nFAILED: a user\'s messages were stored out of their send order (see "sender order kept")');
    exitCode = 4;
  }
  console.log(`\nwrote ${jsonFile}${svgFile ? ` and ${svgFile}` : ''}`);
  return exitCode;
}

let isAborting = false;

async function abort(reason: string, code: number): Promise<void> {
  if (isAborting) {
    return;
  }
  isAborting = true;
  log(`\n${reason}: stopping servers and dropping the bench database`);
  await Promise.race([cleanup.runAll(log), sleep(15_000)]);
  killAllChildren();
  process.exit(code);
}

// Last resort: no server outlives the bench, even on an unexpected exit.
process.on('exit', killAllChildren);

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    killAllChildren();
    process.exit(1);
  },
);
