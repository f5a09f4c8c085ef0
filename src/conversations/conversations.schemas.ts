import { z } from 'zod';
import { limitParamSchema } from '../common/validation.js';
import { CONVERSATION_STATUSES } from '../database/schema.js';

export const listConversationsQuerySchema = z.strictObject({
  status: z.enum(CONVERSATION_STATUSES).optional().describe('ACTIVE or CLOSED; all when absent'),
  q: z.string().trim().max(100).optional().describe('Admins: part of the user name or email'),
  limit: limitParamSchema(50, 200).describe('Page size, 1 to 200 (default 50)'),
  cursor: z.string().max(200).optional().describe('The next page, from the Link header'),
});
export type ListConversationsQuery = z.output<typeof listConversationsQuerySchema>;

export const updateConversationSchema = z.strictObject({
  status: z.enum(CONVERSATION_STATUSES).describe('ACTIVE or CLOSED'),
});
export type UpdateConversationInput = z.output<typeof updateConversationSchema>;
