import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatClient, LoadBalancer } from './support/chat-client.js';
import { FaultEnvironment, faultSuiteSkip } from './support/environment.js';
import { waitUntil } from './support/processes.js';
import {
  adminReplyLoop,
  withDiagnostics,
  assertNoProblems,
  createAccounts,
  demoAdmin,
  settle,
  guarded,
  problemsOf,
  totalAcknowledged,
  userSendLoop,
} from './support/scenario.js';
import { liveDeliveryProblems, printCounts, storedBefore, verify } from './support/views.js';

const SENDERS = 20;
const MESSAGES_PER_SENDER = 30;
// Killed in the middle of the run: enough sends acknowledged before, most of them after.
const KILL_AFTER_ACKS = 150;

describe('kill -9 of an instance while 20 clients on it are sending', { skip: faultSuiteSkip(), timeout: 240_000 }, () => {
  let env: FaultEnvironment;
  const clients: ChatClient[] = [];

  before(async () => {
    env = await FaultEnvironment.start({ name: 'crash', instances: 2 });
  });
  after(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    await env?.close();
  });

  it(
    'loses nothing: every client reconnects to the other instance, retries its unacknowledged sends and syncs',
    { timeout: 180_000 },
    async () => {
      await withDiagnostics(
        'instance-crash',
        env,
        () => clients,
        async () => {
          const a = env.server('A');
          const b = env.server('B');
          const balancer = new LoadBalancer([a.url, b.url]);
          const api = env.api(b);
          const users = await createAccounts(api, 'USER', SENDERS);
          const [adminOnB] = await createAccounts(api, 'ADMIN', 1);
          assert.ok(adminOnB);
          const adminOnA = await demoAdmin(api);

          const senders = users.map((account, index) => new ChatClient({ name: `user${index}@A`, account, balancer }));
          // Second tabs of five users, on B: they must get their own tab's messages through the crash.
          const tabs = users.slice(0, 5).map((account, index) => new ChatClient({ name: `user${index}-tab2@B`, account, balancer }));
          const receiverA = new ChatClient({ name: 'adminA@A', account: adminOnA, balancer });
          const receiverB = new ChatClient({ name: 'adminB@B', account: adminOnB, balancer });
          clients.push(...senders, ...tabs, receiverA, receiverB);
          await Promise.all([
            ...senders.map((client) => client.connect(a.url)),
            receiverA.connect(a.url),
            ...tabs.map((client) => client.connect(b.url)),
            receiverB.connect(b.url),
          ]);

          let isSending = true;
          const senderRuns = senders.map((client, index) =>
            guarded(client.name, userSendLoop(client, { count: MESSAGES_PER_SENDER, namesConversation: index % 2 === 1 })),
          );
          const replyRuns = [receiverA, receiverB].map((client) =>
            guarded(client.name, adminReplyLoop(client, { shouldStop: () => !isSending, maxReplies: 40 })),
          );

          await waitUntil(() => totalAcknowledged(senders) >= KILL_AFTER_ACKS, {
            timeoutMs: 60_000,
            what: `${KILL_AFTER_ACKS} acknowledged sends before the kill`,
          });
          const ackedBeforeKill = totalAcknowledged(senders);
          a.kill('SIGKILL');
          const killed = await a.exited;
          balancer.markDown(a.url);

          const problems = await problemsOf(senderRuns);
          isSending = false;
          problems.push(...(await problemsOf(replyRuns)));
          await settle(clients);
          const verdict = await verify(env.database(), clients, { settleMs: 15_000 });
          problems.push(...(await liveDeliveryProblems(env.database(), [receiverB, ...tabs], clients)));

          const interrupted = clients
            .flatMap((client) => client.attempts)
            .filter((attempt) => attempt.url === a.url && attempt.outcome !== 'ok');
          const storedUnacknowledged = await storedBefore(
            env.database(),
            interrupted.map((attempt) => attempt.clientMessageId),
            killed.at,
          );
          printCounts('instance-crash', clients, verdict, [receiverA, receiverB, ...tabs.slice(0, 2)]);
          console.log(
            `[instance-crash]   killed A (signal ${killed.signal}) after ${ackedBeforeKill} acknowledged sends; ${interrupted.length} attempts on A got no ack and were retried on B; ${storedUnacknowledged} of those had been stored by A before it died`,
          );

          assert.equal(killed.signal, 'SIGKILL');
          for (const client of [...senders, receiverA]) {
            assert.equal(client.url, b.url, `${client.name} should have moved to B`);
            assert.ok(client.seen.connects >= 2, `${client.name} should have reconnected`);
          }
          assertNoProblems(verdict, problems, env);
          assert.equal(verdict.stored, totalAcknowledged(clients), 'every stored message was acknowledged to its sender');
        },
      );
    },
  );
});
