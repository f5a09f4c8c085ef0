import { z } from 'zod';
import { CONVERSATION_STATUSES, idSchema, isoDateSchema, limitParamSchema, MAX_ID } from './common.js';
import { messageSchema } from './messages.js';

export const listConversationsQuerySchema = z.strictObject({
  status: z.enum(CONVERSATION_STATUSES).optional().describe('ACTIVE or CLOSED; all when absent'),
  q: z.string().trim().max(100).optional().describe('Admins: part of the user name or email'),
  assignee: z
    .string()
    .regex(/^(me|none|[1-9]\d{0,9})$/, { message: 'must be me, none or an admin id' })
    .refine((value) => !/^\d+$/.test(value) || Number(value) <= MAX_ID, { message: 'must be me, none or an admin id' })
    .optional()
    .describe('Admins: me, none (unassigned) or an admin id'),
  limit: limitParamSchema(50, 200).describe('Page size, 1 to 200 (default 50)'),
  cursor: z.string().max(200).optional().describe('The next page, from the Link header'),
});
export type ListConversationsQuery = z.output<typeof listConversationsQuerySchema>;

const assigneeIdSchema = idSchema.nullable();

export const updateConversationSchema = z
  .strictObject({
    status: z.enum(CONVERSATION_STATUSES).optional().describe('ACTIVE or CLOSED'),
    assigneeId: assigneeIdSchema.optional().describe('An ADMIN to assign, or null to unassign'),
    expectedAssigneeId: assigneeIdSchema
      .optional()
      .describe('Compare-and-set: change the assignee only if it is still this (null: unassigned); else 409 with the current one'),
  })
  .refine((input) => input.status !== undefined || input.assigneeId !== undefined, {
    message: 'give status or assigneeId',
  })
  .refine((input) => input.expectedAssigneeId === undefined || input.assigneeId !== undefined, {
    message: 'expectedAssigneeId needs assigneeId',
    path: ['expectedAssigneeId'],
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
  assignee: z.object({ id: z.number().int(), name: z.string() }).nullable().describe('The ADMIN working on it, or null'),
  rating: z
    .object({ score: z.number().int(), comment: z.string().nullable(), createdAt: isoDateSchema })
    .nullable()
    .describe('The rating of its latest closing (null until the user rates it)'),
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

export const conversationCountsQuerySchema = z.strictObject({
  status: z.enum(CONVERSATION_STATUSES).optional().describe('ACTIVE or CLOSED; all when absent'),
});
export type ConversationCountsQuery = z.output<typeof conversationCountsQuerySchema>;

export const conversationCountsSchema = z.object({ mine: z.number().int(), unassigned: z.number().int(), all: z.number().int() });
export type ConversationCountsView = z.output<typeof conversationCountsSchema>;
