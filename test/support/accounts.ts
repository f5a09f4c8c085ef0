import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Api } from './http.js';

export interface TestAccount {
  id: number;
  email: string;
  name: string;
  role: 'USER' | 'ADMIN';
  token: string;
}

export const DEMO_ADMIN = { email: 'admin@example.com', password: 'password' };
export const DEMO_USER = { email: 'user@example.com', password: 'password' };

// New accounts need at least 10 characters; the demo accounts keep their short seed password.
export const TEST_PASSWORD = 'password-10';

export async function login(api: Api, email: string, password = TEST_PASSWORD): Promise<TestAccount> {
  const response = await api('POST', '/auth/login', { body: { email, password } });
  assert.equal(response.status, 200, `login ${email}: ${JSON.stringify(response.body)}`);
  return { ...response.body.user, token: response.body.accessToken };
}

// A new account of the given role, created through the public API by the demo admin.
export async function createAccount(api: Api, role: 'USER' | 'ADMIN' = 'USER', name?: string): Promise<TestAccount> {
  const admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
  const email = `${role.toLowerCase()}-${randomUUID().slice(0, 8)}@test.example`;
  const created = await api('POST', '/users', {
    token: admin.token,
    body: { email, password: TEST_PASSWORD, name: name ?? `Test ${role} ${email.slice(0, 12)}`, role },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return login(api, email);
}
