import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { exportJWK, SignJWT } from 'jose';
import { UsersRepository } from '../src/users/users.repository.js';
import { type Api, apiClient } from './support/http.js';
import { startServer, type TestServer } from './support/server.js';
import { type ClientSocket, connect, sendFromEach } from './support/sockets.js';

const ISSUER = 'https://product.example';
const AUDIENCE = 'support-chat';
const ROLE_CLAIM = 'https://product.example/chat-role';

function keyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

async function hostToken(
  key: KeyObject,
  kid: string,
  claims: Record<string, unknown>,
  options: { audience?: string | null } = {},
): Promise<string> {
  let jwt = new SignJWT({ email: `${String(claims.sub ?? 'x')}@product.example`, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setSubject(String(claims.sub ?? 'x'))
    .setIssuer(ISSUER)
    .setExpirationTime('5m');
  if (options.audience !== null) {
    jwt = jwt.setAudience(options.audience ?? AUDIENCE);
  }
  return jwt.sign(key);
}

describe('host-app tokens from a JWKS URL', () => {
  let jwksServer: Server;
  let server: TestServer;
  let api: Api;
  const first = keyPair();
  const second = keyPair();
  let published: { keys: object[] } = { keys: [] };

  before(async () => {
    published = { keys: [{ ...(await exportJWK(first.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
    jwksServer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(published));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const address = jwksServer.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    server = await startServer({
      JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      JWT_ROLE_CLAIM: ROLE_CLAIM,
    });
    api = apiClient(server.url);
  });
  after(async () => {
    await server?.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  it('makes an ADMIN only from the JWT_ROLE_CLAIM claim, never from a role claim', async () => {
    const admin = await hostToken(first.privateKey, 'k1', { sub: 'agent-1', [ROLE_CLAIM]: 'ADMIN' });
    const me = await api('GET', '/auth/me', { token: admin });
    assert.equal(me.status, 200);
    assert.equal(me.body.role, 'ADMIN');
    assert.equal((await api('GET', '/users', { token: admin })).status, 200);

    const pretender = await hostToken(first.privateKey, 'k1', { sub: 'user-1', role: 'ADMIN' });
    const meToo = await api('GET', '/auth/me', { token: pretender });
    assert.equal(meToo.body.role, 'USER');
    assert.equal((await api('GET', '/users', { token: pretender })).status, 403);
  });

  it('rejects tokens without the audience or for another audience', async () => {
    const noAudience = await hostToken(first.privateKey, 'k1', { sub: 'u-2' }, { audience: null });
    assert.equal((await api('GET', '/auth/me', { token: noAudience })).status, 401);
    const otherAudience = await hostToken(first.privateKey, 'k1', { sub: 'u-3' }, { audience: 'another-service' });
    assert.equal((await api('GET', '/auth/me', { token: otherAudience })).status, 401);
  });

  it('follows key rotation: a token with a new kid is accepted once the JWKS publishes it', async () => {
    published = { keys: [{ ...(await exportJWK(second.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' }] };
    const rotated = await hostToken(second.privateKey, 'k2', { sub: 'u-4' });
    // The JWKS is fetched again on an unknown kid, at most once per 2 s cooldown: poll until then.
    const deadline = Date.now() + 6_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await api('GET', '/auth/me', { token: rotated })).status;
      if (status === 200) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(status, 200);
    const unknownKey = await hostToken(keyPair().privateKey, 'k2', { sub: 'u-5' });
    assert.equal((await api('GET', '/auth/me', { token: unknownKey })).status, 401);
  });
});

describe('host-app accounts rechecked together', () => {
  let server: TestServer;
  const key = keyPair();
  const sockets: ClientSocket[] = [];

  before(async () => {
    server = await startServer({
      JWT_PUBLIC_KEY: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      // Every event checks its account again, so the next one finds a deactivation.
      SESSION_CHECK_INTERVAL_MS: '0',
    });
  });
  after(async () => {
    sockets.forEach((socket) => socket.close());
    await server?.close();
  });

  it('looks up many accounts in one statement, each answer in the place of its question', async () => {
    const api = apiClient(server.url);
    const [first, second] = await Promise.all(
      ['first', 'second'].map(async (name) => {
        const me = await api('GET', '/auth/me', { token: await hostToken(key.privateKey, 'k', { sub: `${name}-${randomUUID()}`, name }) });
        return me.body as { id: number };
      }),
    );
    const repository = server.app.get(UsersRepository);
    await repository.update(second!.id, { isActive: false }, { bumpTokenVersion: false });
    const states = await repository.accountStates([second!.id, 2_000_000_000, first!.id, second!.id]);
    assert.deepEqual(
      states.map((state) => state && { name: state.name, isActive: state.isActive, role: state.role }),
      [
        { name: 'second', isActive: false, role: 'USER' },
        undefined,
        { name: 'first', isActive: true, role: 'USER' },
        { name: 'second', isActive: false, role: 'USER' },
      ],
    );
  });

  it('answers the rechecks of many sockets at once each with its own account, and stops only the deactivated ones', async () => {
    const api = apiClient(server.url);
    const tokens = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        hostToken(key.privateKey, 'k', { sub: `recheck-${index}-${randomUUID()}`, name: `Host ${index}` }),
      ),
    );
    const accounts = await Promise.all(tokens.map(async (token) => (await api('GET', '/auth/me', { token })).body as { id: number }));
    const connected = await Promise.all(tokens.map((token) => connect(server.url, { token })));
    sockets.push(...connected);
    const deactivated = new Set([2, 5, 11]);
    // Written to the database only, as by another instance whose notice never arrived here.
    for (const index of deactivated) {
      await server.app.get(UsersRepository).update(accounts[index]!.id, { isActive: false }, { bumpTokenVersion: false });
    }
    // All at once: the rechecks go to the database together and each answer must reach its own socket.
    const outcomes = await sendFromEach(connected, deactivated);
    assert.deepEqual(
      outcomes,
      accounts.map((account, index) =>
        deactivated.has(index)
          ? { index, error: 'TOKEN_REVOKED', reason: 'io server disconnect' }
          : { index, ok: true, content: `from ${index}`, senderId: account.id, name: `Host ${index}` },
      ),
    );
  });
});
