import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChatClient, LoadBalancer, type SendAttempt } from './support/chat-client.js';
import { FaultEnvironment, faultSuiteSkip } from './support/environment.js';
import { waitUntil } from './support/processes.js';
import {
  assertNoProblems,
  createAccounts,
  demoAdmin,
  guarded,
  problemsOf,
  settle,
  totalAcknowledged,
  userSendLoop,
  withDiagnostics,
} from './support/scenario.js';
import { liveDeliveryProblems, printCounts, verify } from './support/views.js';

const SENDERS = 10;
const CRASH_AFTER_ACKS = 100;
const OUTAGE_MS = 3_000;
// A refusal is prompt when it comes well before any client-side ack timeout would.
const PROMPT_MS = 2_000;
const ACKS_AFTER_RECOVERY = 5;

function outcomes(attempts: SendAttempt[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const attempt of attempts) {
    counts[attempt.outcome] = (counts[attempt.outcome] ?? 0) + 1;
  }
  return counts;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

describe('PostgreSQL crash (stop -m immediate) and restart while clients send', { skip: faultSuiteSkip(), timeout: 300_000 }, () => {
  let env: FaultEnvironment;
  const clients: ChatClient[] = [];

  before(async () => {
    env = await FaultEnvironment.start({ name: 'pg-restart', instances: 1 });
  });
  after(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    await env?.close();
  });

  // `namesConversation`: every send names the sender's conversation, so it is one statement (pool.query);
  // otherwise no send names it and each runs the find-or-create transaction (a client checked out of the
  // pool across several statements), the path every user's first message takes.
  async function crashWhileSending(label: string, options: { namesConversation: boolean }): Promise<void> {
    const mine: ChatClient[] = [];
    await withDiagnostics(
      label,
      env,
      () => mine,
      async () => {
        const server = env.server('A');
        const postgres = env.postgres;
        if (!postgres) {
          throw new Error('no PostgreSQL cluster');
        }
        const pid = server.pid;
        const balancer = new LoadBalancer([server.url]);
        const api = env.api(server);
        const users = await createAccounts(api, 'USER', SENDERS);
        const senders = users.map((account, index) => new ChatClient({ name: `user${index}`, account, balancer }));
        const receiver = new ChatClient({ name: 'admin', account: await demoAdmin(api), balancer });
        mine.push(...senders, receiver);
        clients.push(...mine);
        await Promise.all(mine.map((client) => client.connect()));

        let isSending = true;
        const runs = senders.map((client) =>
          guarded(client.name, userSendLoop(client, { shouldStop: () => !isSending, namesConversation: options.namesConversation })),
        );
        await waitUntil(() => totalAcknowledged(senders) >= CRASH_AFTER_ACKS && senders.every((client) => client.acked.size >= 2), {
          timeoutMs: 60_000,
          what: `${CRASH_AFTER_ACKS} acknowledged sends before the crash`,
        });

        const problems: string[] = [];
        const crashStartedAt = Date.now();
        await postgres.stopImmediately();
        const crashedAt = Date.now();

        const httpStartedAt = Date.now();
        const httpSend = await api('POST', '/chat/messages', {
          token: users[0]?.token,
          body: { content: 'over HTTP during the outage' },
        }).catch((error: unknown) => ({
          status: 0,
          body: { error: `${errorText(error)} (${error instanceof Error ? String(error.cause) : ''})` },
        }));
        const httpMs = Date.now() - httpStartedAt;
        const readyDuringOutage = await server.readyStatus();
        const isRefusedSince = (client: ChatClient) =>
          client.attempts.some((attempt) => attempt.startedAt >= crashedAt && attempt.outcome === 'UNAVAILABLE');
        await waitUntil(() => !server.isRunning || senders.every(isRefusedSince), {
          timeoutMs: 15_000,
          what: 'every sender to be refused with UNAVAILABLE',
        }).catch((error: unknown) => problems.push(errorText(error)));
        // The outage itself: the database stays down this long whatever the clients do.
        await sleep(Math.max(0, OUTAGE_MS - (Date.now() - crashedAt)));

        const restartStartedAt = Date.now();
        await postgres.start();
        const restartedAt = Date.now();
        const exit = server.exit;
        if (exit) {
          // Reported, then restarted as a supervisor would, so the rest of the contract is still measured.
          const lines = server.logTail().split('\n');
          const thrown = lines.findIndex((text) => text.includes("Unhandled 'error' event"));
          const line = lines.slice(Math.max(0, thrown)).find((text) => /\] \w*Error: /.test(text)) ?? '';
          problems.push(
            `the server process exited (code ${exit.code}, signal ${exit.signal}) ${exit.at - crashStartedAt} ms after PostgreSQL was stopped: ${line.trim()}`,
          );
          server.start();
        }
        await waitUntil(async () => (await server.readyStatus()) === 200, { timeoutMs: 30_000, what: 'the server to report ready again' });
        const readyAgainAt = Date.now();
        await waitUntil(
          () =>
            senders.every(
              (client) =>
                client.attempts.filter((attempt) => attempt.startedAt >= restartedAt && attempt.outcome === 'ok').length >=
                ACKS_AFTER_RECOVERY,
            ),
          {
            timeoutMs: 30_000,
            what: () =>
              `${ACKS_AFTER_RECOVERY} acknowledged sends per sender after the restart; outcomes since: ${JSON.stringify(outcomes(senders.flatMap((c) => c.attempts).filter((a) => a.startedAt >= restartedAt)))}`,
          },
        );
        isSending = false;
        problems.push(...(await problemsOf(runs)));
        await settle(mine);
        const verdict = await verify(env.database(), mine, { settleMs: 10_000 });
        if (!exit) {
          problems.push(...(await liveDeliveryProblems(env.database(), [receiver], senders)));
        }

        const attempts = senders.flatMap((client) => client.attempts);
        // In flight while the database went away (pg_ctl returns once it is gone): stored or not, either
        // answer is fine, but an answer must come. Started after that, only UNAVAILABLE is right.
        const inFlight = attempts.filter((attempt) => attempt.startedAt < crashedAt && attempt.endedAt >= crashStartedAt);
        const duringOutage = attempts.filter((attempt) => attempt.startedAt >= crashedAt && attempt.startedAt < restartStartedAt);
        const slowest = Math.max(0, ...duringOutage.map((attempt) => attempt.endedAt - attempt.startedAt));
        printCounts(label, mine, verdict, [receiver]);
        console.log(
          `[${label}]   crash took ${crashedAt - crashStartedAt} ms, outage ${restartStartedAt - crashedAt} ms, ready ${readyAgainAt - restartedAt} ms after start; ` +
            `in flight at the crash ${JSON.stringify(outcomes(inFlight))}; during the outage ${JSON.stringify(outcomes(duringOutage))} (slowest ${slowest} ms); ` +
            `all ${JSON.stringify(outcomes(attempts))}; HTTP send during the outage ${httpSend.status} in ${httpMs} ms; readiness during the outage ${readyDuringOutage}`,
        );

        if (!exit && server.pid !== pid) {
          problems.push(`the server process changed (pid ${pid} → ${server.pid})`);
        }
        if (readyDuringOutage !== 503) {
          problems.push(`GET /health/ready during the outage answered ${readyDuringOutage || 'nothing'}, expected 503`);
        }
        const httpCode = (httpSend.body as { code?: unknown }).code;
        if (httpSend.status !== 503 || httpCode !== 'UNAVAILABLE' || httpMs > PROMPT_MS) {
          problems.push(
            `POST /chat/messages during the outage: ${httpSend.status} ${JSON.stringify(httpSend.body)} after ${httpMs} ms, expected 503 UNAVAILABLE within ${PROMPT_MS} ms`,
          );
        }
        for (const attempt of duringOutage) {
          const took = attempt.endedAt - attempt.startedAt;
          if (attempt.outcome !== 'UNAVAILABLE' || took > PROMPT_MS) {
            problems.push(
              `send ${attempt.clientMessageId} during the outage: ${attempt.outcome} after ${took} ms, expected UNAVAILABLE within ${PROMPT_MS} ms`,
            );
          }
        }
        for (const attempt of inFlight) {
          if (attempt.outcome !== 'ok' && attempt.outcome !== 'UNAVAILABLE') {
            problems.push(
              `send ${attempt.clientMessageId} in flight when PostgreSQL stopped: ${attempt.outcome}, expected ok or UNAVAILABLE`,
            );
          }
        }
        assertNoProblems(verdict, problems, env);
      },
    );
  }

  it(
    'answers UNAVAILABLE, keeps running, takes the retries and loses nothing while sends run in transactions',
    { timeout: 120_000 },
    async () => {
      await crashWhileSending('postgres-restart/transactions', { namesConversation: false });
    },
  );

  it(
    'answers UNAVAILABLE, keeps running, takes the retries and loses nothing while sends are single statements',
    { timeout: 120_000 },
    async () => {
      await crashWhileSending('postgres-restart/statements', { namesConversation: true });
    },
  );
});
