import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChatClient, LoadBalancer, type MessageView } from './support/chat-client.js';
import { FaultEnvironment, faultSuiteSkip } from './support/environment.js';
import { waitUntil } from './support/processes.js';
import {
  assertNoProblems,
  createAccounts,
  demoAdmin,
  guarded,
  problemsOf,
  settle,
  userSendLoop,
  withDiagnostics,
} from './support/scenario.js';
import { printCounts, verify } from './support/views.js';

const USERS_PER_INSTANCE = 3;
const MESSAGES_PER_PHASE = 4;
const OUTAGE_MS = 4_000;
// Redis holds no message: a send within an instance must not wait for it. Two seconds is the budget
// readiness gives Redis itself; a send waiting longer during the outage is stalled on Redis.
const LOCAL_SEND_MS = 2_000;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

describe('Redis outage with two instances', { skip: faultSuiteSkip(), timeout: 240_000 }, () => {
  let env: FaultEnvironment;
  const clients: ChatClient[] = [];

  before(async () => {
    env = await FaultEnvironment.start({ name: 'redis-outage', instances: 2 });
  });
  after(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    await env?.close();
  });

  it(
    'keeps live delivery within an instance during the outage, then catches every cross-instance message up (syncRequired + sync)',
    { timeout: 180_000 },
    async () => {
      await withDiagnostics(
        'redis-outage',
        env,
        () => clients,
        async () => {
          const a = env.server('A');
          const b = env.server('B');
          const redis = env.redis;
          if (!redis) {
            throw new Error('no redis-server');
          }
          const balancer = new LoadBalancer([a.url, b.url]);
          const api = env.api(a);
          const accounts = await createAccounts(api, 'USER', USERS_PER_INSTANCE * 2 + 2);
          const [adminAccount] = await createAccounts(api, 'ADMIN', 1);
          if (!adminAccount) {
            throw new Error('no admin account');
          }
          const usersOnA = accounts
            .slice(0, USERS_PER_INSTANCE)
            .map((account, index) => new ChatClient({ name: `userA${index}@A`, account, balancer }));
          const usersOnB = accounts
            .slice(USERS_PER_INSTANCE, USERS_PER_INSTANCE * 2)
            .map((account, index) => new ChatClient({ name: `userB${index}@B`, account, balancer }));
          // One user per instance sends without pause from before the outage to the end, so messages are
          // committed while each instance's Redis connections come back one by one.
          const steady = accounts
            .slice(USERS_PER_INSTANCE * 2)
            .map((account, index) => new ChatClient({ name: `steady${index === 0 ? 'A' : 'B'}`, account, balancer }));
          const adminA = new ChatClient({ name: 'adminA@A', account: await demoAdmin(api), balancer });
          const adminB = new ChatClient({ name: 'adminB@B', account: adminAccount, balancer });
          clients.push(...usersOnA, ...usersOnB, ...steady, adminA, adminB);
          await Promise.all([...usersOnA, adminA, steady[0] as ChatClient].map((client) => client.connect(a.url)));
          await Promise.all([...usersOnB, adminB, steady[1] as ChatClient].map((client) => client.connect(b.url)));
          const problems: string[] = [];
          let isSteadySending = true;
          const steadyRuns = steady.map((client) =>
            guarded(client.name, userSendLoop(client, { shouldStop: () => !isSteadySending, namesConversation: true })),
          );

          // Each user sends a few messages; each admin answers every user of the other instance once.
          const conversationOf = new Map<ChatClient, number>();
          // `atOnce`: a user's sends go out together (typing fast) instead of one after the other's ack.
          const phase = async (name: string, options: { atOnce: boolean }): Promise<{ onA: MessageView[]; onB: MessageView[] }> => {
            const userSends = [...usersOnA, ...usersOnB].map(async (client) => {
              const sent: MessageView[] = [];
              const sendOne = async (index: number) => {
                const conversationId = conversationOf.get(client);
                const message = await client.send(`${client.name} ${name} #${index}`, conversationId ? { conversationId } : {});
                conversationOf.set(client, message.conversationId);
                sent.push(message);
              };
              if (options.atOnce) {
                await Promise.all(Array.from({ length: MESSAGES_PER_PHASE }, (_, index) => sendOne(index)));
              } else {
                for (let index = 0; index < MESSAGES_PER_PHASE; index += 1) {
                  await sendOne(index);
                }
              }
              return sent;
            });
            const replies = async (admin: ChatClient, users: ChatClient[]) =>
              Promise.all(
                users.map((user) => admin.send(`${admin.name} ${name} to ${user.name}`, { conversationId: conversationOf.get(user) })),
              );
            // Every user has its conversation from the first phase on, so the answers can go out alongside.
            const answers = conversationOf.size > 0 ? Promise.all([replies(adminA, usersOnB), replies(adminB, usersOnA)]) : undefined;
            // Awaited below; this only keeps a failure from surfacing early as an unhandled rejection.
            answers?.catch(() => undefined);
            const fromUsers = await Promise.all(userSends);
            const [fromUsersOnA, fromUsersOnB] = [
              fromUsers.slice(0, USERS_PER_INSTANCE).flat(),
              fromUsers.slice(USERS_PER_INSTANCE).flat(),
            ];
            const [repliesFromA, repliesFromB] = await (answers ?? Promise.all([replies(adminA, usersOnB), replies(adminB, usersOnA)]));
            return { onA: [...fromUsersOnA, ...repliesFromA], onB: [...fromUsersOnB, ...repliesFromB] };
          };
          const receivedLive = (client: ChatClient, messages: MessageView[]) => messages.every((message) => client.liveIds.has(message.id));

          const before = await phase('before', { atOnce: false });
          await waitUntil(() => receivedLive(adminA, before.onB) && receivedLive(adminB, before.onA), {
            timeoutMs: 10_000,
            what: 'cross-instance fan-out to work before the outage',
          });

          await redis.stop();
          const stoppedAt = Date.now();
          // Still ready (each serves its own sockets): Redis is reported degraded in the body, not as a 503.
          const isDegraded = async (server: typeof a) => {
            const readiness = await server.readiness();
            return readiness.status === 200 && readiness.redis === 'degraded';
          };
          await waitUntil(async () => (await isDegraded(a)) && (await isDegraded(b)), {
            timeoutMs: 10_000,
            what: 'both instances to stay ready and report Redis degraded',
          }).catch((error: unknown) => problems.push(errorText(error)));
          const sendsFrom = Date.now();
          const during = await phase('during', { atOnce: true });
          const duringAttempts = clients.flatMap((client) => client.attempts).filter((attempt) => attempt.startedAt >= sendsFrom);
          const sendMs = duringAttempts.map((attempt) => attempt.endedAt - attempt.startedAt);
          const stalled = duringAttempts.filter((attempt) => attempt.endedAt - attempt.startedAt > LOCAL_SEND_MS);
          if (stalled.length > 0) {
            problems.push(
              `${stalled.length} of ${duringAttempts.length} sends during the Redis outage took more than ${LOCAL_SEND_MS} ms to be acknowledged ` +
                `(${Math.min(...sendMs)}..${Math.max(...sendMs)} ms; outcomes ${[...new Set(duringAttempts.map((attempt) => attempt.outcome))].join(', ')})`,
            );
          }
          // Local delivery: a receiver on the sender's instance gets the message live, Redis or not.
          await waitUntil(() => receivedLive(adminA, during.onA) && receivedLive(adminB, during.onB), {
            timeoutMs: 10_000,
            what: () =>
              `live delivery within each instance during the outage (adminA has ${during.onA.filter((m) => adminA.liveIds.has(m.id)).length}/${during.onA.length}, ` +
              `adminB ${during.onB.filter((m) => adminB.liveIds.has(m.id)).length}/${during.onB.length})`,
          }).catch((error: unknown) => problems.push(errorText(error)));
          const crossedDuringOutage =
            during.onA.filter((m) => adminB.liveIds.has(m.id)).length + during.onB.filter((m) => adminA.liveIds.has(m.id)).length;
          // The outage itself: Redis stays down this long whatever the clients do.
          await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));

          const syncRequiredBefore = new Map(clients.map((client) => [client, client.seen.syncRequired]));
          await redis.start();
          const restartedAt = Date.now();
          const isRedisBack = async (server: typeof a) => (await server.readiness()).redis === 'ok';
          await waitUntil(async () => (await isRedisBack(a)) && (await isRedisBack(b)), {
            timeoutMs: 20_000,
            what: 'both instances to report Redis ok again',
          });
          await waitUntil(() => clients.every((client) => client.seen.syncRequired > (syncRequiredBefore.get(client) ?? 0)), {
            timeoutMs: 15_000,
            what: () =>
              `syncRequired on every socket after Redis returned (missing: ${clients
                .filter((c) => c.seen.syncRequired === (syncRequiredBefore.get(c) ?? 0))
                .map((c) => c.name)
                .join(', ')})`,
          }).catch((error: unknown) => problems.push(errorText(error)));
          const syncRequiredAfterMs = Date.now() - restartedAt;

          const afterwards = await phase('after', { atOnce: false });
          await waitUntil(() => receivedLive(adminA, afterwards.onB) && receivedLive(adminB, afterwards.onA), {
            timeoutMs: 10_000,
            what: 'cross-instance fan-out to work again after the outage',
          }).catch((error: unknown) => problems.push(errorText(error)));

          isSteadySending = false;
          problems.push(...(await problemsOf(steadyRuns)));
          await settle(clients);
          // No extra sync here: what the clients hold came from live events, acks and the syncs the
          // server asked for (syncRequired) or that followed their connection.
          const verdict = await verify(env.database(), clients, { settleMs: 10_000 });
          printCounts('redis-outage', clients, verdict, [adminA, adminB, usersOnA[0] as ChatClient, usersOnB[0] as ChatClient]);
          console.log(
            `[redis-outage]   outage ${restartedAt - stoppedAt} ms; sends during it took ${Math.min(...sendMs)}..${Math.max(...sendMs)} ms; ` +
              `${crossedDuringOutage} of ${during.onA.length + during.onB.length} crossed instances live during it; syncRequired reached every socket within ${syncRequiredAfterMs} ms of the restart`,
          );
          assertNoProblems(verdict, problems, env);
        },
      );
    },
  );
});
