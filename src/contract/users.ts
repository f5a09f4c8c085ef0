import { z } from 'zod';
import { idParamSchema, isoDateSchema, limitParamSchema, ROLES } from './common.js';

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be an email address' }))
  .transform((value) => value.toLowerCase())
  .describe('Email address (case-insensitive)');

// New passwords only (register, create, change); signing in with an older, shorter one still works.
export const MIN_PASSWORD_LENGTH = 10;
export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { message: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(256, { message: 'must be at most 256 characters' })
  .describe(`Password, ${MIN_PASSWORD_LENGTH} to 256 characters`);

export const nameSchema = z.string().trim().min(1, { message: 'must not be empty' }).max(100).describe('Display name');

export const createUserSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  name: nameSchema,
  role: z.enum(ROLES).default('USER').describe('USER or ADMIN'),
});
export type CreateUserInput = z.output<typeof createUserSchema>;

export const listUsersQuerySchema = z.strictObject({
  q: z.string().trim().max(100).optional().describe('Part of a name or email'),
  role: z.enum(ROLES).optional(),
  limit: limitParamSchema(50, 200),
  cursor: idParamSchema.optional().describe('The next page, from the Link header'),
});
export type ListUsersQuery = z.output<typeof listUsersQuerySchema>;

export const userSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: isoDateSchema,
  isActive: z.boolean().describe('false: deactivated (cannot sign in)'),
});
export type UserView = z.output<typeof userSchema>;
