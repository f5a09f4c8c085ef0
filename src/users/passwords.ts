import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

// OWASP's password storage cheat sheet: scrypt with N=2^17, r=8, p=1 (128 MiB per hash). PASSWORD_SCRYPT_LOG_N
// lowers it where speed matters more than strength (tests); hashes made with other parameters are upgraded at
// the next successful sign-in.
let params = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
const maxmemFor = (N: number, r: number) => 128 * N * r * 2;

export function configurePasswordHashing(logN: number): void {
  params = { N: 2 ** logN, r: 8, p: 1 };
  dummyHash = undefined;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { ...params, maxmem: maxmemFor(params.N, params.r) });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export interface PasswordCheck {
  isValid: boolean;
  // Stored with weaker (or other) parameters than today's: hash again while the password is at hand.
  needsRehash: boolean;
}

export async function checkPassword(password: string, stored: string): Promise<PasswordCheck> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) {
    return { isValid: false, needsRehash: false };
  }
  const N = Number(n);
  const R = Number(r);
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N,
    r: R,
    p: Number(p),
    maxmem: maxmemFor(N, R),
  });
  const isValid = timingSafeEqual(actual, expected);
  return { isValid, needsRehash: isValid && (N !== params.N || R !== params.r || Number(p) !== params.p) };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  return (await checkPassword(password, stored)).isValid;
}

let dummyHash: Promise<string> | undefined;

// Compared against when the email is unknown, so a wrong email costs as much time as a wrong password.
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(12).toString('hex'));
  return dummyHash;
}
