import { z } from 'zod';
import { CONVERSATION_STATUSES, idParamSchema, limitParamSchema } from './common.js';
import { messageSchema } from './messages.js';

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

// A snippet as parts, so clients render it as text and mark the hits: no HTML travels.
export const snippetPartSchema = z.object({ text: z.string(), highlight: z.boolean() });
export type SnippetPart = z.output<typeof snippetPartSchema>;

export const searchResultSchema = z.object({
  message: messageSchema,
  conversation: z.object({
    id: z.number().int(),
    userId: z.number().int(),
    status: z.enum(CONVERSATION_STATUSES),
    user: z.object({ id: z.number().int(), name: z.string(), email: z.string() }),
  }),
  snippet: z.array(snippetPartSchema),
});
export type SearchResultView = z.output<typeof searchResultSchema>;
