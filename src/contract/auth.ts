import { z } from 'zod';
import { isoDateSchema } from './common.js';
import { emailSchema, nameSchema, passwordSchema, userSchema } from './users.js';

export const loginSchema = z.strictObject({
  email: z.string().trim().min(1, { message: 'is required' }).max(254).describe('Account email'),
  password: z.string().min(1, { message: 'is required' }).max(256).describe('Account password'),
});
export type LoginInput = z.output<typeof loginSchema>;

export const registerSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  name: nameSchema,
});
export type RegisterInput = z.output<typeof registerSchema>;

// Answer of login, register and refresh. The web app ignores refreshToken in the body and relies on the HttpOnly
// cookie set with it; other clients (mobile apps, scripts) keep it themselves.
export const sessionSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresAt: isoDateSchema,
  refreshToken: z.string(),
  refreshExpiresAt: isoDateSchema,
  sessionId: z.number().int(),
  user: userSchema,
});
export type SessionView = z.output<typeof sessionSchema>;

// POST /auth/password: a new access token for this session (the old one carries the old token version).
export const reissuedSessionSchema = sessionSchema.pick({ accessToken: true, tokenType: true, expiresAt: true, user: true });
export type ReissuedSessionView = z.output<typeof reissuedSessionSchema>;

// GET /auth/options: what a sign-in page and a composer need to know about this server.
export const publicOptionsSchema = z.object({
  registration: z.boolean(),
  maxMessageLength: z.number().int(),
  maxAttachmentBytes: z.number().int(),
  maxAttachmentsPerMessage: z.number().int(),
  hostAppTokens: z.boolean(),
});
export type PublicOptions = z.output<typeof publicOptionsSchema>;

// The seed's `authenticate {userId, email, role}` carries no token: it fails this schema and acts on nothing.
export const authenticateSchema = z.object({
  token: z.string({ message: 'a token is required: authenticate with {token}' }).min(1).max(8192),
});

// What the `authenticated` event and the authenticate ack carry.
export const authenticatedUserSchema = userSchema.pick({ id: true, email: true, name: true, role: true });
