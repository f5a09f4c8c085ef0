import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { loadDotEnv } from '../src/config/dot-env.js';
import { DomainError } from '../src/common/errors.js';
import { parseInput } from '../src/common/validation.js';
import { openDatabase } from '../src/database/database.js';
import { createUserSchema } from '../src/contract/users.js';
import { UsersRepository } from '../src/users/users.repository.js';
import { UsersService } from '../src/users/users.service.js';

const usage = 'Usage: npm run user:create -- --email a@b.c --password <at least 8 characters> [--name "Ada"] [--admin]';

// `npm run user:create`: creates an account (an admin with --admin) against the configured database.
try {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const input = parseInput(
    createUserSchema,
    {
      email: values.email,
      password: values.password,
      name: values.name ?? values.email?.split('@')[0],
      role: values.admin ? 'ADMIN' : 'USER',
    },
    'arguments',
  );
  loadDotEnv();
  const config = loadConfig();
  const database = await openDatabase(config.database, { migrate: true });
  try {
    const user = await new UsersService(new UsersRepository(database.db)).create(input);
    console.log(`Created ${user.role} ${user.email} (id ${user.id}).`);
  } finally {
    await database.close();
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else if (error instanceof DomainError) {
    console.error(`${error.message}\n${usage}`);
  } else {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
  }
  process.exit(1);
}
