import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestAccount } from '../support/accounts.js';
import { ChatClient, LoadBalancer, type MessageView, type SendTarget } from './support/chat-client.js';
import { FaultEnvironment, faultSuiteSkip } from './support/environment.js';
import { createAccounts, demoAdmin, guarded, problemsOf, settle } from './support/scenario.js';
import { printedCounts, verify } from './support/views.js';

// Bounded so the whole property takes about a minute on two cores, shrinking included.
const NUM_RUNS = Number(process.env.FAULTS_RUNS ?? 25);
// A failing run waits out settleMs, so shrinking is what this limit bounds.
const TIME_LIMIT_MS = 90_000;

type Action =
  // retry: send the client's previous payload again, same clientMessageId, possibly while it is still in flight.
  | { kind: 'send'; retry: boolean; named: boolean; toUser: number }
  | { kind: 'disconnect' }
  | { kind: 'reconnect'; instance: number }
  | { kind: 'sync'; via: 'socket' | 'rest' }
  | { kind: 'awaitSends' };

interface ClientPlan {
  instance: number;
  actions: Action[];
}

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      retry: fc.boolean(),
      named: fc.boolean(),
      toUser: fc.integer({ min: 0, max: 1 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'disconnect' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), instance: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sync' as const), via: fc.constantFrom('socket' as const, 'rest' as const) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'awaitSends' as const }) },
);

const planArb: fc.Arbitrary<ClientPlan> = fc.record({
  instance: fc.integer({ min: 0, max: 1 }),
  actions: fc.array(actionArb, { minLength: 1, maxLength: 12 }),
});

function label(action: Action): string {
  switch (action.kind) {
    case 'send':
      return `send(${action.retry ? 'retry' : 'new'}${action.named ? ', named' : ''}, user${action.toUser})`;
    case 'reconnect':
      return `reconnect(${action.instance === 0 ? 'A' : 'B'})`;
    case 'sync':
      return `sync(${action.via})`;
    case 'disconnect':
    case 'awaitSends':
      return action.kind;
  }
}

describe(
  'random interleavings of send, disconnect, reconnect and sync over two instances',
  { skip: faultSuiteSkip(), timeout: 300_000 },
  () => {
    let env: FaultEnvironment;
    let users: TestAccount[] = [];
    let admin: TestAccount;
    let secondAdmin: TestAccount;
    const open = new Set<ChatClient>();

    before(async () => {
      env = await FaultEnvironment.start({ name: 'interleavings', instances: 2 });
      const api = env.api(env.server('A'));
      users = await createAccounts(api, 'USER', 2);
      admin = await demoAdmin(api);
      [secondAdmin] = (await createAccounts(api, 'ADMIN', 1)) as [TestAccount];
    });
    after(async () => {
      await Promise.allSettled([...open].map((client) => client.close()));
      await env?.close();
    });

    it('leaves every client with exactly the database view it may see: all of it, in seq order, once', { timeout: 240_000 }, async () => {
      const seed = Number(process.env.FAULTS_SEED ?? Date.now() % 2_147_483_647);
      const urls = [env.server('A').url, env.server('B').url];
      // Two tabs of user0, user1 and two admins: own-tab echoes, a user's own conversation, the admins' all.
      const totals = { runs: 0, sent: 0, acknowledged: 0, received: 0, expected: 0, live: 0 };
      let stored = 0;
      const conversationOfUser = new Map<number, number>();

      const property = fc.asyncProperty(fc.scheduler(), fc.tuple(planArb, planArb, planArb, planArb, planArb), async (s, plans) => {
        const balancer = new LoadBalancer(urls);
        const accounts = [users[0], users[0], users[1], admin, secondAdmin] as TestAccount[];
        const names = ['user0-tab1', 'user0-tab2', 'user1', 'admin', 'admin2'];
        const clients = accounts.map(
          (account, index) =>
            new ChatClient({ name: names[index] ?? `client${index}`, account, balancer, ackTimeoutMs: 5_000, sendDeadlineMs: 30_000 }),
        );
        clients.forEach((client) => open.add(client));
        const sends: Promise<string[]>[] = [];
        const lastSend = new Map<ChatClient, { content: string; target: SendTarget; clientMessageId: string }>();
        let counter = 0;

        const perform = async (client: ChatClient, action: Action): Promise<void> => {
          switch (action.kind) {
            case 'send': {
              const previous = lastSend.get(client);
              let send = action.retry ? previous : undefined;
              if (!send) {
                const toUser = users[action.toUser] as TestAccount;
                const known = conversationOfUser.get(client.account.role === 'ADMIN' ? toUser.id : client.account.id);
                const target: SendTarget =
                  client.account.role === 'ADMIN'
                    ? known
                      ? { conversationId: known }
                      : { userId: toUser.id }
                    : action.named && known
                      ? { conversationId: known }
                      : {};
                counter += 1;
                send = { content: `${client.name} run ${totals.runs} #${counter}`, target, clientMessageId: randomUUID() };
                lastSend.set(client, send);
              }
              const sending = client.send(send.content, send.target, send.clientMessageId).then((message: MessageView) => {
                const owner = client.account.role === 'USER' ? client.account.id : undefined;
                if (owner !== undefined) {
                  conversationOfUser.set(owner, message.conversationId);
                }
              });
              sends.push(guarded(client.name, sending));
              return;
            }
            case 'disconnect':
              client.disconnect();
              return;
            case 'reconnect':
              await client.connect(urls[action.instance]);
              return;
            case 'sync':
              // Over REST when the socket is down: the other catch-up path of the contract.
              await client.catchUp(client.isConnected ? action.via : 'rest');
              return;
            case 'awaitSends':
              if (client.isConnected) {
                await client.allSendsSettled();
              }
              return;
          }
        };

        try {
          await Promise.all(clients.map((client, index) => client.connect(urls[plans[index]?.instance ?? 0])));
          await Promise.all(clients.map((client) => client.catchUpSettled()));
          const programs = clients.map(async (client, index) => {
            for (const action of plans[index]?.actions ?? []) {
              // The scheduler decides which client acts next; the actions themselves run for real.
              await s.schedule(Promise.resolve(), `${client.name} ${label(action)}`);
              await perform(client, action);
            }
          });
          await s.waitFor(Promise.all(programs));

          // The end of the story: everyone comes back, every send is acknowledged, no one is asked to sync.
          await Promise.all(clients.filter((client) => !client.isConnected).map((client) => client.connect()));
          const problems = await problemsOf(sends);
          await settle(clients);
          const verdict = await verify(env.database(), clients, { settleMs: 3_000 });
          problems.push(...verdict.problems);
          totals.runs += 1;
          totals.sent += clients.reduce((sum, client) => sum + client.sentIds.size, 0);
          totals.acknowledged += clients.reduce((sum, client) => sum + client.acked.size, 0);
          totals.live += clients.reduce((sum, client) => sum + client.liveEvents, 0);
          for (const entry of verdict.held.values()) {
            totals.received += entry.held;
            totals.expected += entry.expected;
          }
          stored += verdict.stored;
          if (problems.length > 0) {
            throw new Error(
              `${problems.length} problem(s):\n${problems.slice(0, 20).join('\n')}\nschedule:\n${s
                .report()
                .map((task) => `  ${task.label}`)
                .join('\n')}`,
            );
          }
        } finally {
          await Promise.allSettled(clients.map((client) => client.close()));
          clients.forEach((client) => open.delete(client));
        }
      });

      console.log(`[interleavings] seed=${seed} numRuns=${NUM_RUNS} (replay with FAULTS_SEED=${seed})`);
      const started = Date.now();
      try {
        await fc.assert(property, { seed, numRuns: NUM_RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false });
      } catch (error) {
        console.log(`[interleavings] FAILED with seed=${seed}: replay with FAULTS_SEED=${seed}`);
        throw error;
      } finally {
        printedCounts.add('interleavings');
        console.log(
          `[interleavings] sent=${totals.sent} acknowledged=${totals.acknowledged} stored=${stored} received=${totals.received} ` +
            `(expected ${totals.expected}; live events ${totals.live}; ${totals.runs} runs incl. shrinking, ${Date.now() - started} ms)`,
        );
      }
    });
  },
);
