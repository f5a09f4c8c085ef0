import { z } from 'zod';
import { idParamSchema, limitParamSchema } from '../common/validation.js';

export const searchQuerySchema = z.strictObject({
  q: z
    .string()
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(200)
    .describe('Words to find; "quotes" for a phrase, -word to exclude, or'),
  conversationId: idParamSchema.optional().describe('Only this conversation'),
  limit: limitParamSchema(20, 100).describe('Page size, 1 to 100 (default 20)'),
  cursor: idParamSchema.optional().describe('The next page, from the Link header'),
});
export type SearchQuery = z.output<typeof searchQuerySchema>;
