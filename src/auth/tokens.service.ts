import { Inject, Injectable } from '@nestjs/common';
import { createPublicKey, type KeyObject, webcrypto } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { ROLES } from '../database/schema.js';

// sid: the session (refresh-token family) the token belongs to; ver: the account's token version when it was
// issued. Both are checked against the database (cached briefly), which is what makes revocation work.
const ownClaims = z.object({
  sub: z.string().regex(/^[1-9]\d*$/),
  sid: z.number().int().positive(),
  ver: z.number().int().nonnegative(),
  role: z.enum(ROLES),
  email: z.string(),
  name: z.string(),
  exp: z.number(),
});

// A host token's role claim is not trusted: ADMIN comes only from the claim named by JWT_ROLE_CLAIM.
const hostClaims = z.object({
  sub: z.string().min(1).max(200),
  email: z.email(),
  name: z.string().min(1).max(200).optional(),
  exp: z.number(),
});

export type VerifiedToken =
  | { kind: 'own'; userId: number; sessionId: number; tokenVersion: number; exp: number }
  | { kind: 'host'; externalId: string; email: string; role: (typeof ROLES)[number]; name: string; exp: number };

const HOST_ALGORITHMS = ['RS256', 'ES256'];

function roleFromClaim(value: unknown): (typeof ROLES)[number] {
  const values = Array.isArray(value) ? value : [value];
  return values.some((item) => typeof item === 'string' && item.toUpperCase() === 'ADMIN') ? 'ADMIN' : 'USER';
}

const OWN_ALGORITHM = 'HS256';
const VERIFIED_CACHE_SIZE = 20_000;
const OWN_ISSUER = 'support-chat';

@Injectable()
export class TokensService {
  // HS256 key imported once: jose would import raw bytes into a CryptoKey again for every signature and check.
  private readonly secret: Promise<webcrypto.CryptoKey>;
  private readonly verified = new Map<string, VerifiedToken>();
  private readonly hostKey?: { key: KeyObject; algorithm: 'RS256' | 'ES256' };
  // JWT_JWKS_URL: keys picked by `kid`, refetched when an unknown kid shows up (key rotation), cached between.
  private readonly hostJwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.secret = webcrypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(config.auth.jwtSecret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    const host = config.auth.hostApp;
    if (host?.publicKeyPem) {
      const key = createPublicKey(host.publicKeyPem);
      this.hostKey = { key, algorithm: key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256' };
    }
    if (host?.jwksUrl) {
      this.hostJwks = createRemoteJWKSet(new URL(host.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 2_000 });
    }
  }

  async issue(
    user: { id: number; role: string; email: string; name: string; tokenVersion: number },
    sessionId: number,
  ): Promise<{ token: string; expiresAt: number }> {
    const expiresAt = Math.floor(Date.now() / 1000) + this.config.auth.expiresInSeconds;
    const token = await new SignJWT({ sid: sessionId, ver: user.tokenVersion, role: user.role, email: user.email, name: user.name })
      .setProtectedHeader({ alg: OWN_ALGORITHM, typ: 'JWT' })
      .setSubject(String(user.id))
      .setIssuer(OWN_ISSUER)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(await this.secret);
    return { token, expiresAt };
  }

  // A verified signature stays verified until the token expires, so repeated requests skip the signature check
  // (revocation is checked separately, per session); the cache is bounded and forgets the oldest entries first.
  async verify(token: string): Promise<VerifiedToken> {
    const cached = this.verified.get(token);
    if (cached && cached.exp * 1000 > Date.now()) {
      return cached;
    }
    const verified = await this.verifySignature(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) {
        this.verified.delete(oldest);
      }
    }
    this.verified.set(token, verified);
    return verified;
  }

  // Algorithms are pinned per key: HS256 only with our secret, RS256/ES256 only with the host app's public key.
  private async verifySignature(token: string): Promise<VerifiedToken> {
    let algorithm: string | undefined;
    try {
      algorithm = decodeProtectedHeader(token).alg;
    } catch {
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'Invalid token');
    }
    try {
      if (algorithm === OWN_ALGORITHM) {
        const { payload } = await jwtVerify(token, await this.secret, {
          algorithms: [OWN_ALGORITHM],
          issuer: OWN_ISSUER,
          requiredClaims: ['exp', 'sub'],
        });
        const claims = this.parseClaims(ownClaims, payload);
        return { kind: 'own', userId: Number(claims.sub), sessionId: claims.sid, tokenVersion: claims.ver, exp: claims.exp };
      }
      const host = this.config.auth.hostApp;
      if (host && algorithm !== undefined && HOST_ALGORITHMS.includes(algorithm)) {
        const options = { issuer: host.issuer, audience: host.audience, requiredClaims: ['exp', 'sub', 'aud'] };
        let payload: JWTPayload | undefined;
        if (this.hostKey && algorithm === this.hostKey.algorithm) {
          payload = (await jwtVerify(token, this.hostKey.key, { ...options, algorithms: [this.hostKey.algorithm] })).payload;
        } else if (this.hostJwks) {
          payload = (await jwtVerify(token, this.hostJwks, { ...options, algorithms: HOST_ALGORITHMS })).payload;
        }
        if (payload) {
          const claims = this.parseClaims(hostClaims, payload);
          return {
            kind: 'host',
            externalId: `${host.issuer}|${claims.sub}`,
            email: claims.email.toLowerCase(),
            role: host.roleClaim ? roleFromClaim(payload[host.roleClaim]) : 'USER',
            name: claims.name ?? claims.email.split('@')[0] ?? claims.email,
            exp: claims.exp,
          };
        }
      }
    } catch (error) {
      if (error instanceof DomainError) {
        throw error;
      }
      if (error instanceof joseErrors.JWTExpired) {
        throw new DomainError(ErrorCode.TOKEN_EXPIRED, 'Token expired');
      }
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'Invalid token');
    }
    throw new DomainError(ErrorCode.UNAUTHORIZED, 'Invalid token');
  }

  private parseClaims<S extends z.ZodType>(schema: S, payload: JWTPayload): z.output<S> {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'Invalid token');
    }
    return parsed.data;
  }
}
