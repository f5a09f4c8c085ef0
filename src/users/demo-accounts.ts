import { Logger } from '@nestjs/common';
import type { UsersService } from './users.service.js';

export const DEMO_PASSWORD = 'password';
export const DEMO_ACCOUNTS = [
  { email: 'admin@example.com', name: 'Demo Admin', role: 'ADMIN' as const },
  { email: 'user@example.com', name: 'Demo User', role: 'USER' as const },
];

// The seed document's test accounts, on an empty database only.
export async function seedDemoAccounts(users: UsersService): Promise<void> {
  if ((await users.count()) > 0) {
    return;
  }
  for (const account of DEMO_ACCOUNTS) {
    await users.create({ ...account, password: DEMO_PASSWORD });
  }
  new Logger('DemoAccounts').log(
    `Created demo accounts ${DEMO_ACCOUNTS.map((account) => account.email).join(' and ')} (password "${DEMO_PASSWORD}"). Not for production.`,
  );
}
