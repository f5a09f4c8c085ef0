import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'chat-config-'));
const strongSecret = 'x'.repeat(40);

describe('configuration', () => {
  it('defaults to PGlite in the data dir, port 3000, demo seeding and a generated secret kept on disk', () => {
    const dir = dataDir();
    const config = loadConfig({ CHAT_DATA_DIR: dir });
    assert.equal(config.port, 3000);
    assert.deepEqual(config.database, { kind: 'pglite', dataDir: join(dir, 'pgdata') });
    assert.equal(config.seedDemo, true);
    assert.equal(config.auth.expiresInSeconds, 900);
    assert.equal(readFileSync(join(dir, 'jwt-secret'), 'utf8'), config.auth.jwtSecret);
    assert.equal(loadConfig({ CHAT_DATA_DIR: dir }).auth.jwtSecret, config.auth.jwtSecret);
  });

  it('uses PostgreSQL with DATABASE_URL and seeds nothing unless SEED_DEMO=true', () => {
    const config = loadConfig({ CHAT_DATA_DIR: dataDir(), DATABASE_URL: 'postgres://u@h:5432/db' });
    assert.equal(config.database.kind, 'postgres');
    assert.equal(config.seedDemo, false);
    assert.equal(loadConfig({ CHAT_DATA_DIR: dataDir(), DATABASE_URL: 'postgres://u@h/db', SEED_DEMO: 'true' }).seedDemo, true);
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /PORT: must be a whole number/],
    [{ PORT: '70000' }, /PORT: must be at most 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgres/],
    [{ JWT_EXPIRES_IN: 'forever' }, /JWT_EXPIRES_IN/],
    [{ CORS_ORIGINS: 'https://ok.example,not a url' }, /CORS_ORIGINS/],
    [{ MAX_MESSAGE_LENGTH: '0' }, /MAX_MESSAGE_LENGTH/],
    [{ ALLOW_REGISTRATION: 'maybe' }, /ALLOW_REGISTRATION: must be true or false/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET: must be at least 32 bytes/],
    [{ NODE_ENV: 'production' }, /JWT_SECRET: required when NODE_ENV=production/],
    [{ JWT_ISSUER: 'https://host' }, /JWT_PUBLIC_KEY \(or JWT_JWKS_URL\) and JWT_ISSUER/],
  ];
  for (const [env, message] of bad) {
    it(`refuses ${JSON.stringify(env)} naming the variable`, () => {
      assert.throws(
        () => loadConfig({ CHAT_DATA_DIR: dataDir(), ...env }),
        (error: Error) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it('never prints a secret in an error', () => {
    assert.throws(
      () => loadConfig({ CHAT_DATA_DIR: dataDir(), JWT_SECRET: 'tiny-secret' }),
      (error: Error) => !error.message.includes('tiny-secret'),
    );
  });

  it('starts in production with a strong secret', () => {
    const config = loadConfig({ CHAT_DATA_DIR: dataDir(), NODE_ENV: 'production', JWT_SECRET: strongSecret });
    assert.equal(config.auth.jwtSecret, strongSecret);
  });
});
