import { z } from 'zod';
import { idSchema, ROLES } from './common.js';
import { authenticatedUserSchema, authenticateSchema } from './auth.js';
import { conversationSchema } from './conversations.js';
import { socketErrorSchema } from './errors.js';
import {
  conversationRefSchema,
  messageSchema,
  readReceiptSchema,
  type sendMessageSchema,
  syncResultSchema,
  syncSchema,
} from './messages.js';
import { userSchema } from './users.js';
import { viewingSchema } from './collision.js';

export const typingSchema = z.strictObject({
  conversationId: idSchema,
  isTyping: z.boolean({ message: 'must be true or false' }),
  isPrivate: z.boolean({ message: 'must be true or false' }).optional().describe('Admins: typing a private note (sent to admins only)'),
});

export const typingEventSchema = z.object({
  conversationId: z.number().int(),
  userId: z.number().int(),
  name: z.string(),
  role: z.enum(ROLES),
  isTyping: z.boolean(),
  // An admin typing a private note: sent to admins only.
  isPrivate: z.boolean(),
});
export type TypingView = z.output<typeof typingEventSchema>;

export const onlineUserSchema = z.object({ userId: z.number().int(), role: z.enum(ROLES) });
export type OnlineUser = z.output<typeof onlineUserSchema>;

export const presenceEventSchema = onlineUserSchema.extend({ online: z.boolean() });
export type PresenceEvent = z.output<typeof presenceEventSchema>;

// GET /chat/presence: admins see everyone online; users see the admins online.
export const presenceSchema = z.object({ supportOnline: z.boolean(), online: z.array(onlineUserSchema) });
export type PresenceView = z.output<typeof presenceSchema>;

// Agent workflow (issue 13).
const namedSchema = z.object({ id: z.number().int(), name: z.string() });

export const assignedEventSchema = z.object({
  conversation: conversationSchema,
  assignedBy: namedSchema.nullable().describe('null: the server assigned it (auto-assignment)'),
  url: z.string(),
});
export type AssignedEvent = z.output<typeof assignedEventSchema>;

export const mentionedEventSchema = z.object({
  conversationId: z.number().int(),
  messageId: z.number().int(),
  message: messageSchema,
  mentionedBy: namedSchema,
  url: z.string(),
});
export type MentionedEvent = z.output<typeof mentionedEventSchema>;

export const agentViewingEventSchema = z.object({
  conversationId: z.number().int(),
  userId: z.number().int(),
  name: z.string(),
  isViewing: z.boolean(),
});
export type AgentViewingEvent = z.output<typeof agentViewingEventSchema>;

export const viewersAckSchema = z.object({ viewers: z.array(z.object({ userId: z.number().int(), name: z.string() })) });

type Out<S extends z.ZodType> = z.output<S>;
type In<S extends z.ZodType> = z.input<S>;

export type Ack<T> = { ok: true } & T;
export type AckResult<T> = Ack<T> | { ok: false; error: Out<typeof socketErrorSchema> };
type WithAck<Payload, Result> = (payload: Payload, ack?: (result: AckResult<Result>) => void) => void;

// Every event the server emits on /chat, with its payload: the public contract (the seed's names).
export interface ServerToClientEvents {
  newMessage: (message: Out<typeof messageSchema>) => void;
  messagesRead: (receipt: Out<typeof readReceiptSchema>) => void;
  userTyping: (typing: Out<typeof typingEventSchema>) => void;
  conversationUpdated: (conversation: Out<typeof conversationSchema>) => void;
  presence: (presence: Out<typeof presenceEventSchema>) => void;
  // To an admin someone else (or auto-assignment) assigned a conversation to.
  assigned: (event: Out<typeof assignedEventSchema>) => void;
  // To an admin named with @name in a private note.
  mentioned: (event: Out<typeof mentionedEventSchema>) => void;
  // To the other admins: an admin opened or left a conversation (collision).
  agentViewing: (event: Out<typeof agentViewingEventSchema>) => void;
  // Sent to this instance's sockets before it shuts down: reconnect (to another instance) and sync.
  serverDraining: (notice: { reconnect: true }) => void;
  // This instance lost and regained its link to the other instances (Redis): sync to catch up.
  syncRequired: (notice: { reason: string }) => void;
  authenticated: (session: { user: Out<typeof authenticatedUserSchema> }) => void;
  error: (error: Out<typeof socketErrorSchema>) => void;
}

// Client → server events: payloads are what the schemas accept (z.input), acks what the server answers.
export interface ClientToServerEvents {
  authenticate: WithAck<In<typeof authenticateSchema>, { user: Out<typeof userSchema> | Out<typeof authenticatedUserSchema> }>;
  sendMessage: WithAck<In<ReturnType<typeof sendMessageSchema>>, { message: Out<typeof messageSchema> }>;
  markAsRead: WithAck<In<typeof conversationRefSchema>, Out<typeof readReceiptSchema>>;
  typing: WithAck<In<typeof typingSchema>, object>;
  sync: WithAck<In<typeof syncSchema>, Out<typeof syncResultSchema>>;
  viewing: WithAck<In<typeof viewingSchema>, Out<typeof viewersAckSchema>>;
}
