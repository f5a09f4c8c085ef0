import { z } from 'zod';
import { idParamSchema, idSchema, isoDateSchema, limitParamSchema, MAX_ID, ROLES } from './common.js';

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
      isPrivate: z
        .boolean({ message: 'must be true or false' })
        .optional()
        .describe('Admins: a private note, shown to admins only (never to the conversation’s user)'),
      ...serverOwnedFields,
    })
    .refine((input) => (input.content ?? '').length > 0 || (input.attachmentIds ?? []).length > 0, {
      message: 'must not be empty',
      path: ['content'],
    })
    .transform(({ conversationId, content, userId, clientMessageId, attachmentIds, isPrivate }) => ({
      conversationId: conversationId ?? undefined,
      content: content ?? '',
      userId: userId ?? undefined,
      clientMessageId: clientMessageId?.toLowerCase(),
      attachmentIds: attachmentIds?.map((id) => id.toLowerCase()) ?? [],
      isPrivate: isPrivate ?? false,
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

// As it appears in a message and in the upload answer. The bytes need the bearer token, like every route.
export const attachmentSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  url: z.string(),
  thumbnailUrl: z.string().nullable(),
});
export type AttachmentView = z.output<typeof attachmentSchema>;

// One message, the same in the send ack, `newMessage`, history, sync, search, webhooks and push.
export const messageSchema = z.object({
  id: z.number().int(),
  conversationId: z.number().int(),
  seq: z.number().int().describe('Position in the conversation: 1, 2, 3, ...'),
  senderId: z.number().int(),
  content: z.string(),
  isRead: z.boolean(),
  createdAt: isoDateSchema,
  clientMessageId: z.string().nullable(),
  isPrivate: z.boolean().describe('A private note: only admins ever receive it'),
  sender: z.object({ id: z.number().int(), name: z.string(), role: z.enum(ROLES) }),
  attachments: z.array(attachmentSchema),
});
export type MessageView = z.output<typeof messageSchema>;

export const readReceiptSchema = z.object({
  conversationId: z.number().int(),
  readerId: z.number().int(),
  readAt: isoDateSchema,
  count: z.number().int(),
});
export type ReadReceiptView = z.output<typeof readReceiptSchema>;

export const syncResultSchema = z.object({
  conversations: z.array(z.object({ conversationId: z.number().int(), messages: z.array(messageSchema), hasMore: z.boolean() })),
});
export type SyncResult = z.output<typeof syncResultSchema>;
