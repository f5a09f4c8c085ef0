import { z } from 'zod';
import { isoDateSchema, ROLES } from './common.js';
import { nameSchema, passwordSchema } from './users.js';

// Issue 11: sessions and account management.
export const refreshSchema = z
  .strictObject({
    refreshToken: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\w-]+$/, { message: 'must be a refresh token from /auth/login' })
      .optional()
      .describe('The refresh token; browsers send the HttpOnly cookie instead'),
  })
  .optional()
  .transform((value) => value ?? {});
export type RefreshInput = z.output<typeof refreshSchema>;

export const changePasswordSchema = z.strictObject({
  currentPassword: z.string().min(1, { message: 'is required' }).max(256).describe('The password in use now'),
  newPassword: passwordSchema,
});
export type ChangePasswordInput = z.output<typeof changePasswordSchema>;

export const updateUserSchema = z
  .strictObject({
    role: z.enum(ROLES).optional().describe('USER or ADMIN'),
    name: nameSchema.optional(),
    isActive: z.boolean({ message: 'must be true or false' }).optional().describe('false deactivates: no sign-in, sessions revoked'),
  })
  .refine((value) => value.role !== undefined || value.name !== undefined || value.isActive !== undefined, {
    message: 'give at least one of role, name, isActive',
  });
export type UpdateUserInput = z.output<typeof updateUserSchema>;

// GET /auth/sessions: one signed-in device; `current` is the session of the token that asked.
export const authSessionSchema = z.object({
  id: z.number().int(),
  device: z.string().describe('Browser and system, from the User-Agent ("Firefox on Windows")'),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: isoDateSchema,
  lastUsedAt: isoDateSchema,
  expiresAt: isoDateSchema,
  current: z.boolean(),
});
export type AuthSessionView = z.output<typeof authSessionSchema>;
