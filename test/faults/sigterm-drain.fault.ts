import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatClient, LoadBalancer } from './support/chat-client.js';
import { FaultEnvironment, faultSuiteSkip } from './support/environment.js';
import { waitUntil, within } from './support/processes.js';
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
import { liveDeliveryProblems, printCounts, storedBefore, verify } from './support/views.js';

const SENDERS = 10;
const MESSAGES_PER_SENDER = 25;
const DRAIN_AFTER_ACKS = 80;
const SHUTDOWN_TIMEOUT_MS = 8_000;

describe('SIGTERM drain while clients send', { skip: faultSuiteSkip(), timeout: 240_000 }, () => {
  let env: FaultEnvironment;
  const clients: ChatClient[] = [];

  before(async () => {
    env = await FaultEnvironment.start({ name: 'drain', instances: 2, serverEnv: { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) } });
  });
  after(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    await env?.close();
  });

  it(
    'tells its clients, lets them move to the other instance, loses nothing acknowledged and exits in time',
    { timeout: 150_000 },
    async () => {
      await withDiagnostics(
        'sigterm-drain',
        env,
        () => clients,
        async () => {
          const a = env.server('A');
          const b = env.server('B');
          // The balancer keeps sending clients to A until it has exited: A itself must turn them away.
          const balancer = new LoadBalancer([a.url, b.url]);
          const api = env.api(b);
          const users = await createAccounts(api, 'USER', SENDERS);
          const senders = users.map((account, index) => new ChatClient({ name: `user${index}@A`, account, balancer }));
          const receiverA = new ChatClient({ name: 'adminA@A', account: await demoAdmin(api), balancer });
          const [adminAccount] = await createAccounts(api, 'ADMIN', 1);
          assert.ok(adminAccount);
          const receiverB = new ChatClient({ name: 'adminB@B', account: adminAccount, balancer });
          const onA = [...senders, receiverA];
          clients.push(...onA, receiverB);
          await Promise.all([...onA.map((client) => client.connect(a.url)), receiverB.connect(b.url)]);

          const runs = senders.map((client, index) =>
            guarded(client.name, userSendLoop(client, { count: MESSAGES_PER_SENDER, namesConversation: index % 2 === 1 })),
          );
          await waitUntil(() => totalAcknowledged(senders) >= DRAIN_AFTER_ACKS, {
            timeoutMs: 60_000,
            what: `${DRAIN_AFTER_ACKS} acknowledged sends before SIGTERM`,
          });
          const signalledAt = Date.now();
          a.kill('SIGTERM');
          const exit = await within(a.exited, SHUTDOWN_TIMEOUT_MS + 5_000);
          balancer.markDown(a.url);
          const problems = await problemsOf(runs);
          await settle(clients);
          const verdict = await verify(env.database(), clients, { settleMs: 10_000 });
          problems.push(...(await liveDeliveryProblems(env.database(), [receiverB], clients)));

          const exitMs = exit ? exit.at - signalledAt : undefined;
          const interrupted = clients
            .flatMap((client) => client.attempts)
            .filter((attempt) => attempt.url === a.url && attempt.outcome !== 'ok');
          const storedUnacknowledged = await storedBefore(
            env.database(),
            interrupted.map((attempt) => attempt.clientMessageId),
            exit?.at ?? Date.now(),
          );
          printCounts('sigterm-drain', clients, verdict, [receiverA, receiverB]);
          console.log(
            `[sigterm-drain]   A exited ${exitMs ?? 'not'} ms after SIGTERM (code ${exit?.code}, signal ${exit?.signal}); ` +
              `serverDraining seen by ${onA.filter((client) => client.seen.serverDraining > 0).length}/${onA.length} clients on A; ` +
              `attempts on A without ack ${interrupted.length}, ${storedUnacknowledged} of them stored by A (answered on B with the first row)`,
          );

          if (!exit) {
            problems.push(`A did not exit within ${SHUTDOWN_TIMEOUT_MS + 5_000} ms of SIGTERM`);
          } else if (exit.code !== 0 || (exitMs ?? 0) > SHUTDOWN_TIMEOUT_MS) {
            problems.push(
              `A exited with code ${exit.code} (signal ${exit.signal}) ${exitMs} ms after SIGTERM; expected code 0 within SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS}`,
            );
          }
          for (const client of onA) {
            if (client.seen.serverDraining === 0) {
              problems.push(`${client.name} was not sent serverDraining`);
            }
            if (client.url !== b.url) {
              problems.push(`${client.name} did not move to B (it is on ${client.url})`);
            }
            const toDraining = client.connections.filter((connection) => connection.url === a.url && connection.at > signalledAt);
            if (toDraining.length > 0) {
              problems.push(`${client.name} was let in by A after SIGTERM (${toDraining.length} time(s))`);
            }
          }
          assertNoProblems(verdict, problems, env);
        },
      );
    },
  );
});
