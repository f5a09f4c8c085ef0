import { z } from 'zod';
import { limitParamSchema } from './common.js';

export const SHORT_CODE_PATTERN = /^[a-z0-9_-]{1,32}$/;

const shortCodeSchema = z
  .string({ message: 'must be a string' })
  .regex(SHORT_CODE_PATTERN, { message: 'must be 1 to 32 lowercase letters, digits, _ or -' })
  .describe('What follows "/" in the composer: ^[a-z0-9_-]{1,32}$, unique');

// The content limit is configuration (MAX_MESSAGE_LENGTH), so the schemas are built from it.
const contentSchema = (maxLength: number) =>
  z
    .string({ message: 'must be a string' })
    .trim()
    .min(1, { message: 'must not be empty' })
    // PostgreSQL text cannot hold NUL.
    .refine((value) => !value.includes('\u0000'), { message: 'must not contain NUL characters' })
    .refine((value) => [...value].length <= maxLength, { message: `must be at most ${maxLength} characters` })
    .describe(`1 to ${maxLength} characters; {{user.name}}, {{user.email}} and {{agent.name}} are filled in when inserted`);

export function createCannedResponseSchema(maxLength: number) {
  return z.strictObject({ shortCode: shortCodeSchema, content: contentSchema(maxLength) });
}
export type CreateCannedResponseInput = z.output<ReturnType<typeof createCannedResponseSchema>>;

export function updateCannedResponseSchema(maxLength: number) {
  return z
    .strictObject({ shortCode: shortCodeSchema.optional(), content: contentSchema(maxLength).optional() })
    .refine((input) => input.shortCode !== undefined || input.content !== undefined, { message: 'give shortCode or content' });
}
export type UpdateCannedResponseInput = z.output<ReturnType<typeof updateCannedResponseSchema>>;

export const listCannedResponsesQuerySchema = z.strictObject({
  q: z
    .string()
    .trim()
    .max(100)
    .transform((value) => value.replace(/^\//, '').replaceAll('\u0000', ''))
    .optional()
    .describe('Start of the short code (a leading "/" is ignored) or part of the content'),
  limit: limitParamSchema(50, 200).describe('At most this many, 1 to 200 (default 50)'),
});
export type ListCannedResponsesQuery = z.output<typeof listCannedResponsesQuerySchema>;

export interface CannedResponseView {
  id: number;
  shortCode: string;
  content: string;
  createdBy: { id: number; name: string } | null;
  createdAt: string;
  updatedAt: string;
}
