import { parseArgs } from 'node:util';
import { configurePasswordHashing } from '../src/users/passwords.js';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { loadDotEnv } from '../src/config/dot-env.js';
import { DomainError } from '../src/common/errors.js';
import { parseInput } from '../src/common/validation.js';
import { openDatabase } from '../src/database/database.js';
import { createUserSchema, MIN_PASSWORD_LENGTH } from '../src/contract/users.js';
import { UsersRepository } from '../src/users/users.repository.js';
import { UsersService } from '../src/users/users.service.js';

const usage =
  'Usage: npm run user:create -- --email a@b.c [--name "Ada"] [--admin]\n' +
  `  asks for the password (at least ${MIN_PASSWORD_LENGTH} characters), or reads it from stdin: echo "$PASSWORD" | npm run user:create -- ...`;

// Typed without echo on a terminal.
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stdout.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new Error('Cancelled'));
          return;
        }
        value = char === '\u007f' || char === '\b' ? value.slice(0, -1) : value + char;
      }
    };
    stdin.on('data', onData);
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  // The first line: `echo` and here-strings add a newline that is not part of the password.
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

// A password on the command line ends up in shell history and in `ps` for every local user to read.
async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    return readStdin();
  }
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Password again: ');
  if (first !== second) {
    throw new DomainError('VALIDATION', 'The two passwords differ');
  }
  return first;
}

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
  if (values.password !== undefined) {
    throw new DomainError('VALIDATION', '--password is not accepted (command lines are visible to other users and kept in shell history)');
  }
  loadDotEnv();
  const config = loadConfig();
  const input = parseInput(
    createUserSchema,
    {
      email: values.email,
      password: await readPassword(),
      name: values.name ?? values.email?.split('@')[0],
      role: values.admin ? 'ADMIN' : 'USER',
    },
    'input',
  );
  configurePasswordHashing(config.passwordScryptLogN);
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
