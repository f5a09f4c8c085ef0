import { createECDH } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AppConfig } from '../config/config.js';

export const VAPID_KEYS = Symbol('VAPID_KEYS');

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  // Where they came from, for the startup log.
  source: 'config' | 'generated' | 'data dir';
}

// What web-push's generateVAPIDKeys does (a P-256 pair, base64url, the private key 32 bytes and the public key
// 65, left-padded), without loading web-push at start.
function generateVapidKeys(): { publicKey: string; privateKey: string } {
  const curve = createECDH('prime256v1');
  curve.generateKeys();
  const pad = (key: Buffer, length: number) => Buffer.concat([Buffer.alloc(Math.max(0, length - key.length)), key]);
  return {
    publicKey: pad(curve.getPublicKey(), 65).toString('base64url'),
    privateKey: pad(curve.getPrivateKey(), 32).toString('base64url'),
  };
}

const storedKeysSchema = z.strictObject({ publicKey: z.string().min(1), privateKey: z.string().min(1) });

// Browsers bind a subscription to the public key it was made with, so the keys must outlive restarts:
// generated once into the data dir (like the JWT secret), or given by VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY.
export function loadVapidKeys(config: Pick<AppConfig, 'push' | 'dataDir'>): VapidKeys {
  if (config.push.vapid) {
    return { ...config.push.vapid, source: 'config' };
  }
  const file = join(config.dataDir, 'vapid.json');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    const keys = generateVapidKeys();
    try {
      // 'wx': if another process on the same data dir wrote first, its keys win and are read below.
      writeFileSync(file, `${JSON.stringify({ publicKey: keys.publicKey, privateKey: keys.privateKey })}\n`, { mode: 0o600, flag: 'wx' });
      return { ...keys, source: 'generated' };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') {
        throw error;
      }
    }
  }
  const parsed = storedKeysSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${file} does not hold {publicKey, privateKey}: delete it to generate new keys (existing push subscriptions then stop working)`,
    );
  }
  return { ...parsed.data, source: 'data dir' };
}
