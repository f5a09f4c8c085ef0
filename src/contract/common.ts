import { z } from 'zod';

// The lowest layer: what clients send and receive. Server modules and the web app import from here; this folder
// imports nothing of the server's.

export const ROLES = ['USER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export const CONVERSATION_STATUSES = ['ACTIVE', 'CLOSED'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

// PostgreSQL `integer`: a larger id can not exist, so it is a validation error, never a database error.
export const MAX_ID = 2_147_483_647;

export const idSchema = z
  .number({ message: 'must be a positive integer' })
  .int({ message: 'must be a positive integer' })
  .positive({ message: 'must be a positive integer' })
  .max(MAX_ID, { message: `must be at most ${MAX_ID}` });

// Path and query values arrive as strings.
export const idParamSchema = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, { message: 'must be a positive integer' })
  .transform(Number)
  .pipe(idSchema);

export const limitParamSchema = (defaultLimit: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, { message: `must be a whole number from 1 to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, { message: `must be from 1 to ${max}` })
        .max(max, { message: `must be from 1 to ${max}` }),
    )
    .optional()
    .transform((value) => value ?? defaultLimit);

export const idPathSchema = z.strictObject({ id: idParamSchema });

// Timestamps travel as ISO 8601 strings.
export const isoDateSchema = z.string().describe('ISO 8601 timestamp');
