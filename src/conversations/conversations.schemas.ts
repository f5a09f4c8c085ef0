import { z } from 'zod';
import { idSchema, limitParamSchema } from '../common/validation.js';
import { CONVERSATION_STATUSES } from '../database/schema.js';

export const listConversationsQuerySchema = z.strictObject({
  status: z.enum(CONVERSATION_STATUSES).optional().describe('ACTIVE or CLOSED; all when absent'),
  q: z.string().trim().max(100).optional().describe('Admins: part of the user name or email'),
  assignee: z
    .string()
    .regex(/^(me|none|[1-9]\d{0,9})$/, { message: 'must be me, none or an admin id' })
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

export const conversationCountsQuerySchema = z.strictObject({
  status: z.enum(CONVERSATION_STATUSES).optional().describe('ACTIVE or CLOSED; all when absent'),
});
export type ConversationCountsQuery = z.output<typeof conversationCountsQuerySchema>;
