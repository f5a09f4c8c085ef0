import { Inject, Injectable } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { ROLES } from '../database/schema.js';

const ownClaims = z.object({
  sub: z.string().regex(/^[1-9]\d*$/),
  role: z.enum(ROLES),
  email: z.string(),
  name: z.string(),
  exp: z.number(),
});

const hostClaims = z.object({
  sub: z.string().min(1).max(200),
  email: z.email(),
  role: z.enum(ROLES).optional(),
  name: z.string().min(1).max(200).optional(),
  exp: z.number(),
});

export type VerifiedToken =
  | { kind: 'own'; userId: number; role: (typeof ROLES)[number]; email: string; name: string; exp: number }
  | { kind: 'host'; externalId: string; email: string; role: (typeof ROLES)[number]; name: string; exp: number };

const OWN_ALGORITHM = 'HS256';
const VERIFIED_CACHE_SIZE = 20_000;
const OWN_ISSUER = 'support-chat';

@Injectable()
export class TokensService {
  private readonly secret: Uint8Array;
  private readonly verified = new Map<string, VerifiedToken>();
  private readonly hostKey?: { key: KeyObject; algorithm: 'RS256' | 'ES256' };

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.secret = new TextEncoder().encode(config.auth.jwtSecret);
    const host = config.auth.hostApp;
    if (host) {
      const key = createPublicKey(host.publicKeyPem);
      this.hostKey = { key, algorithm: key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256' };
    }
  }

  async issue(user: { id: number; role: string; email: string; name: string }): Promise<{ token: string; expiresAt: number }> {
    const expiresAt = Math.floor(Date.now() / 1000) + this.config.auth.expiresInSeconds;
    const token = await new SignJWT({ role: user.role, email: user.email, name: user.name })
      .setProtectedHeader({ alg: OWN_ALGORITHM, typ: 'JWT' })
      .setSubject(String(user.id))
      .setIssuer(OWN_ISSUER)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(this.secret);
    return { token, expiresAt };
  }

  // A token verified once stays valid until it expires (nothing revokes tokens), so repeated requests skip the
  // signature check; the cache is bounded and forgets the oldest entries first.
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
        const { payload } = await jwtVerify(token, this.secret, {
          algorithms: [OWN_ALGORITHM],
          issuer: OWN_ISSUER,
          requiredClaims: ['exp', 'sub'],
        });
        const claims = this.parseClaims(ownClaims, payload);
        return { kind: 'own', userId: Number(claims.sub), role: claims.role, email: claims.email, name: claims.name, exp: claims.exp };
      }
      const host = this.config.auth.hostApp;
      if (this.hostKey && host && algorithm === this.hostKey.algorithm) {
        const { payload } = await jwtVerify(token, this.hostKey.key, {
          algorithms: [this.hostKey.algorithm],
          issuer: host.issuer,
          audience: host.audience,
          requiredClaims: ['exp', 'sub'],
        });
        const claims = this.parseClaims(hostClaims, payload);
        return {
          kind: 'host',
          externalId: `${host.issuer}|${claims.sub}`,
          email: claims.email.toLowerCase(),
          role: claims.role ?? 'USER',
          name: claims.name ?? claims.email.split('@')[0] ?? claims.email,
          exp: claims.exp,
        };
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
