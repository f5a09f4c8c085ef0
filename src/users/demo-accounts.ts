import { Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/errors.js';
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
  const created: string[] = [];
  for (const account of DEMO_ACCOUNTS) {
    try {
      await users.create({ ...account, password: DEMO_PASSWORD });
      created.push(account.email);
    } catch (error) {
      // Another instance starting at the same moment seeded it first.
      if (!(error instanceof DomainError && error.code === ErrorCode.EMAIL_TAKEN)) {
        throw error;
      }
    }
  }
  if (created.length > 0) {
    new Logger('DemoAccounts').log(`Created demo accounts ${created.join(' and ')} (password "${DEMO_PASSWORD}"). Not for production.`);
  }
}

// Production (no demo accounts): an empty database has no way in until someone makes the first admin.
export async function announceFirstAdmin(users: UsersService): Promise<void> {
  if ((await users.count()) > 0) {
    return;
  }
  new Logger('Accounts').warn(
    'No accounts yet. Create the first admin with: npm run user:create -- --email you@example.com --name "Your Name" --admin ' +
      '(it asks for the password; in a container: echo "$PASSWORD" | npm run user:create -- --email ... --admin)',
  );
}
