import { z } from 'zod';
import { idParamSchema, idSchema, limitParamSchema, MAX_ID } from '../common/validation.js';

// Fields a client may send but that the server decides itself: accepted and dropped, never trusted.
const serverOwnedFields = {
  senderId: z.unknown().optional(),
  role: z.unknown().optional(),
  createdAt: z.unknown().optional(),
};

export const MAX_ATTACHMENTS_PER_MESSAGE = 5;

export function sendMessageSchema(maxLength: number) {
  return z
    .strictObject({
      conversationId: idSchema.nullish().describe('Target conversation; omit to use the ACTIVE one'),
      content: z
        .string({ message: 'must be a string' })
        .trim()
        .refine((value) => [...value].length <= maxLength, { message: `must be at most ${maxLength} characters` })
        .optional()
        .describe(`Message text, 1 to ${maxLength} characters after trimming (may be empty when attachmentIds are given)`),
      userId: idSchema.nullish().describe('Admins starting a conversation: the USER to write to'),
      clientMessageId: z
        .uuid({ message: 'must be a UUID' })
        .optional()
        .describe('Client-chosen UUID: a retry with the same id returns the first message'),
      attachmentIds: z
        .array(z.uuid({ message: 'must be attachment ids from POST /chat/attachments' }))
        .max(MAX_ATTACHMENTS_PER_MESSAGE, { message: `at most ${MAX_ATTACHMENTS_PER_MESSAGE} attachments per message` })
        .refine((ids) => new Set(ids).size === ids.length, { message: 'must not repeat an attachment' })
        .optional()
        .describe(`Up to ${MAX_ATTACHMENTS_PER_MESSAGE} uploaded attachments`),
      ...serverOwnedFields,
    })
    .refine((input) => (input.content ?? '').length > 0 || (input.attachmentIds ?? []).length > 0, {
      message: 'must not be empty',
      path: ['content'],
    })
    .transform(({ conversationId, content, userId, clientMessageId, attachmentIds }) => ({
      conversationId: conversationId ?? undefined,
      content: content ?? '',
      userId: userId ?? undefined,
      clientMessageId: clientMessageId?.toLowerCase(),
      attachmentIds: attachmentIds?.map((id) => id.toLowerCase()) ?? [],
    }));
}
export type SendMessageInput = z.output<ReturnType<typeof sendMessageSchema>>;

export const historyQuerySchema = z
  .strictObject({
    before: idParamSchema.optional().describe('A message id: return the page of messages older than it'),
    around: idParamSchema.optional().describe('A message id: return the page with it in the middle (jump to a search hit)'),
    afterSeq: z
      .string()
      .regex(/^\d{1,10}$/, { message: 'must be a whole number' })
      .transform(Number)
      .pipe(z.number().max(MAX_ID, { message: `must be at most ${MAX_ID}` }))
      .optional()
      .describe('Return messages with a larger seq, oldest first (catch-up after reconnect)'),
    limit: limitParamSchema(50, 200).describe('Page size, 1 to 200 (default 50)'),
  })
  .refine((query) => [query.before, query.afterSeq, query.around].filter((value) => value !== undefined).length <= 1, {
    message: 'use only one of before, afterSeq and around',
  });
export type HistoryQuery = z.output<typeof historyQuerySchema>;

export const conversationRefSchema = z.strictObject({ conversationId: idSchema });

export const typingSchema = z.strictObject({
  conversationId: idSchema,
  isTyping: z.boolean({ message: 'must be true or false' }),
});

const MAX_SYNC_CONVERSATIONS = 200;

export const syncSchema = z.strictObject({
  conversations: z
    .record(
      z
        .string()
        .regex(/^[1-9]\d{0,9}$/, { message: 'keys must be conversation ids' })
        .refine((key) => Number(key) <= MAX_ID, { message: `keys must be conversation ids (at most ${MAX_ID})` }),
      z
        .number()
        .int()
        .min(0)
        .max(MAX_ID, { message: `must be a seq from 0 to ${MAX_ID}` }),
    )
    .refine((value) => Object.keys(value).length <= MAX_SYNC_CONVERSATIONS, {
      message: `at most ${MAX_SYNC_CONVERSATIONS} conversations per sync`,
    }),
});
export type SyncInput = z.output<typeof syncSchema>;
