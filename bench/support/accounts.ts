import { requestJson } from './http.js';
import { mapLimit, sleep } from './timing.js';

export interface BenchAccount {
  id: number;
  role: 'USER' | 'ADMIN';
  token: string;
}

interface Session {
  accessToken: string;
  user: { id: number; role: 'USER' | 'ADMIN' };
}

const DEMO_ADMIN = { email: 'admin@example.com', password: 'password' };
const PASSWORD = 'bench-password-1';
const RETRIES = 5;

// Each account costs the server one scrypt hash (tens of ms of CPU): a handful in flight keeps its thread pool busy.
const CREATE_CONCURRENCY = 8;

// Retries only what a busy server may answer (429 throttling, 503); anything else is a bench failure.
async function call<T>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown },
  expected: number,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const response = await requestJson<T>(baseUrl, method, path, options);
    if (response.status === expected) {
      return response.body;
    }
    if ((response.status === 429 || response.status === 503) && attempt < RETRIES) {
      await sleep(250 * 2 ** attempt);
      continue;
    }
    throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
  }
}

function toAccount(session: Session): BenchAccount {
  return { id: session.user.id, role: session.user.role, token: session.accessToken };
}

export async function loginDemoAdmin(baseUrl: string): Promise<BenchAccount> {
  return toAccount(await call<Session>(baseUrl, 'POST', '/auth/login', { body: DEMO_ADMIN }, 200));
}

// Admins can only be made by an admin (POST /users), then sign in like anyone else.
export async function createAdmins(
  baseUrl: string,
  demoAdmin: BenchAccount,
  count: number,
  runId: string,
  deadline: number,
): Promise<BenchAccount[]> {
  const indexes = Array.from({ length: count }, (_, index) => index);
  return mapLimit(indexes, CREATE_CONCURRENCY, deadline, async (index) => {
    const email = `bench-admin-${index}-${runId}@bench.example`;
    await call(
      baseUrl,
      'POST',
      '/users',
      { token: demoAdmin.token, body: { email, password: PASSWORD, name: `Bench admin ${index}`, role: 'ADMIN' } },
      201,
    );
    return toAccount(await call<Session>(baseUrl, 'POST', '/auth/login', { body: { email, password: PASSWORD } }, 200));
  });
}

// Self-registration answers with a token, so each user costs one hash instead of two (create + login).
export async function registerUsers(baseUrl: string, count: number, runId: string, deadline: number): Promise<BenchAccount[]> {
  const indexes = Array.from({ length: count }, (_, index) => index);
  return mapLimit(indexes, CREATE_CONCURRENCY, deadline, async (index) => {
    const email = `bench-user-${index}-${runId}@bench.example`;
    return toAccount(
      await call<Session>(baseUrl, 'POST', '/auth/register', { body: { email, password: PASSWORD, name: `Bench user ${index}` } }, 201),
    );
  });
}
