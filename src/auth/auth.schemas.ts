import { z } from 'zod';
import { emailSchema, nameSchema, passwordSchema } from '../users/users.schemas.js';

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

export type { SessionView } from './sessions.views.js';
