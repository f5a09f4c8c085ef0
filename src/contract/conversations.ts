import { z } from 'zod';
import { CONVERSATION_STATUSES, isoDateSchema, limitParamSchema } from './common.js';
import { messageSchema } from './messages.js';

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

export const conversationSchema = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  status: z.enum(CONVERSATION_STATUSES),
  lastMessageAt: isoDateSchema,
  lastSeq: z.number().int().describe('The seq of its newest message (0 when empty)'),
  createdAt: isoDateSchema,
  updatedAt: isoDateSchema,
  user: z.object({ id: z.number().int(), name: z.string(), email: z.string() }),
});
export type ConversationView = z.output<typeof conversationSchema>;

export const conversationListItemSchema = conversationSchema.extend({
  unreadCount: z.number().int(),
  lastMessage: messageSchema.nullable(),
});
export type ConversationListItem = z.output<typeof conversationListItemSchema>;

export const unreadCountSchema = z.object({
  count: z.number().int(),
  conversations: z.array(z.object({ conversationId: z.number().int(), count: z.number().int() })),
});
export type UnreadCountView = z.output<typeof unreadCountSchema>;
