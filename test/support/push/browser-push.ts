import assert from 'node:assert/strict';
import { createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';

// What a browser keeps for one PushSubscription: its ECDH key pair and the auth secret (RFC 8291 §2).
export interface BrowserKeys {
  privateKey: KeyObject;
  publicRaw: Buffer;
  authSecret: Buffer;
  // As PushSubscription.toJSON() gives them.
  p256dh: string;
  auth: string;
}

function uncompressedPoint(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
}

function publicKeyFromPoint(point: Buffer): KeyObject {
  assert.equal(point.length, 65, 'an uncompressed P-256 point');
  assert.equal(point[0], 0x04);
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    format: 'jwk',
  });
}

export function browserKeys(): BrowserKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicRaw = uncompressedPoint(publicKey);
  const authSecret = randomBytes(16);
  return { privateKey, publicRaw, authSecret, p256dh: publicRaw.toString('base64url'), auth: authSecret.toString('base64url') };
}

const info = (label: string) => Buffer.from(`Content-Encoding: ${label}\0`, 'utf8');

// Decrypts an aes128gcm body (RFC 8188) with the Web Push key schedule (RFC 8291), as the browser would.
export function decryptPushBody(body: Buffer, keys: BrowserKeys): Buffer {
  // Header: salt (16) | record size (4) | key id length (1) | key id = the sender's ephemeral public key.
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const keyIdLength = body[20] ?? 0;
  const senderPublic = body.subarray(21, 21 + keyIdLength);
  const record = body.subarray(21 + keyIdLength);
  assert.ok(record.length <= recordSize, 'a notification fits in one record');

  const ecdhSecret = diffieHellman({ privateKey: keys.privateKey, publicKey: publicKeyFromPoint(senderPublic) });
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0', 'utf8'), keys.publicRaw, senderPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, keys.authSecret, keyInfo, 32));
  const contentKey = Buffer.from(hkdfSync('sha256', ikm, salt, info('aes128gcm'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, info('nonce'), 12));

  const decipher = createDecipheriv('aes-128-gcm', contentKey, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // Plaintext, then the last-record delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) {
    end -= 1;
  }
  assert.equal(padded[end], 0x02, 'last-record padding delimiter');
  return padded.subarray(0, end);
}

// Checks "Authorization: vapid t=<JWT>, k=<public key>" (RFC 8292) and returns the JWT's claims.
export async function verifyVapid(authorization: string | undefined, audience: string) {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+),\s*k=([\w-]+)$/.exec(authorization ?? '');
  assert.ok(match, `a vapid Authorization header: ${authorization}`);
  const [, token = '', k = ''] = match;
  const point = Buffer.from(k, 'base64url');
  const key = await importJWK(
    { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    'ES256',
  );
  const { payload, protectedHeader } = await jwtVerify(token, key, { audience, algorithms: ['ES256'] });
  return { k, payload, protectedHeader };
}
