import assert from 'node:assert/strict';
import { createAccount, DEMO_ADMIN, login, type TestAccount } from '../../support/accounts.js';
import type { Api } from '../../support/http.js';
import type { ChatClient } from './chat-client.js';
import type { FaultEnvironment } from './environment.js';
import { printedCounts, type Verdict } from './views.js';

export const range = (count: number): number[] => Array.from({ length: count }, (_, index) => index);

// Accounts are created a few at a time: each costs the server three scrypt hashes.
export async function createAccounts(api: Api, role: 'USER' | 'ADMIN', count: number): Promise<TestAccount[]> {
  const accounts: TestAccount[] = [];
  for (let start = 0; start < count; start += 5) {
    accounts.push(...(await Promise.all(range(Math.min(5, count - start)).map(() => createAccount(api, role)))));
  }
  return accounts;
}

export function demoAdmin(api: Api): Promise<TestAccount> {
  return login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
}

// Every send acknowledged or failed, every catch-up done: the clients have stopped acting.
export async function settle(clients: ChatClient[]): Promise<void> {
  await Promise.all(clients.map((client) => client.allSendsSettled()));
  await Promise.all(clients.map((client) => client.catchUpSettled()));
}

// A client loop whose failure (a send refused, a deadline passed) becomes a problem of the verdict
// instead of an unhandled rejection that would end the test before anything is measured.
export function guarded(label: string, run: Promise<unknown>): Promise<string[]> {
  return run.then(
    () => [],
    (error: unknown) => [`${label}: ${error instanceof Error ? error.message : String(error)}`],
  );
}

export async function problemsOf(runs: Promise<string[]>[]): Promise<string[]> {
  return (await Promise.all(runs)).flat();
}

export function assertNoProblems(verdict: Verdict, extraProblems: string[], env: FaultEnvironment): void {
  const problems = [...extraProblems, ...verdict.problems];
  assert.deepEqual(
    problems,
    [],
    `${problems.length} problem(s):\n${problems.slice(0, 40).join('\n')}\nserver log tails:\n${env.logTails()}`,
  );
}

export function totalAcknowledged(clients: ChatClient[]): number {
  return clients.reduce((sum, client) => sum + client.acked.size, 0);
}

// A user sending one message after another, each retried until acknowledged. Half the users name their
// conversation once they know it (the one-statement append), the others never do (the transaction that
// finds or creates the ACTIVE conversation), so both store paths meet the fault.
export async function userSendLoop(
  client: ChatClient,
  options: { count?: number; shouldStop?: () => boolean; namesConversation: boolean },
): Promise<void> {
  let conversationId: number | undefined;
  for (let index = 0; options.count === undefined || index < options.count; index += 1) {
    if (options.shouldStop?.()) {
      return;
    }
    const message = await client.send(`${client.name} #${index}`, options.namesConversation && conversationId ? { conversationId } : {});
    conversationId ??= message.conversationId;
  }
}

// An admin answering in the conversations it knows, round robin, until told to stop.
export async function adminReplyLoop(client: ChatClient, options: { shouldStop: () => boolean; maxReplies: number }): Promise<void> {
  for (let index = 0; index < options.maxReplies && !options.shouldStop(); index += 1) {
    const conversations = [...client.knownConversations];
    const conversationId = conversations[index % Math.max(1, conversations.length)];
    if (conversationId === undefined) {
      // Nothing to answer yet: pace the loop instead of spinning.
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    await client.send(`${client.name} reply #${index}`, { conversationId });
  }
}

// Runs a test body; when it fails before its verdict, the counts known so far and the servers' last log
// lines are printed, so a failed run still says what was sent, acknowledged, stored and received.
export async function withDiagnostics(
  label: string,
  env: FaultEnvironment,
  clients: () => ChatClient[],
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (printedCounts.has(label)) {
      throw error;
    }
    const all = clients();
    const stored = await env
      .database()
      .query<{ count: number }>('select count(*)::int as count from chat_message')
      .then((result) => String(result.rows[0]?.count ?? '?'))
      .catch(() => '?');
    console.log(
      `[${label}] sent=${all.reduce((sum, client) => sum + client.sentIds.size, 0)} acknowledged=${totalAcknowledged(all)} stored=${stored} ` +
        `received=${all.reduce((sum, client) => sum + client.messages.size, 0)} (test failed before its verdict)`,
    );
    console.log(`[${label}] server log tails:\n${env.logTails()}`);
    throw error;
  }
}
