import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

// Millisecond precision: JavaScript dates round-trip exactly, so keyset cursors built from them stay exact.
const timestampMs = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

import { CONVERSATION_STATUSES, ROLES } from '../contract/common.js';

export { CONVERSATION_STATUSES, ROLES };
export type { ConversationStatus, Role } from '../contract/common.js';

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull().default('USER'),
    // Null for accounts that only sign in with host-app tokens.
    passwordHash: text('password_hash'),
    // "<issuer>|<sub>" for accounts created from a host-app token.
    externalId: text('external_id'),
    // Off after a one-click unsubscribe from a notification email.
    emailNotifications: boolean('email_notifications').notNull().default(true),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    // Deactivated accounts cannot sign in and their sessions are revoked.
    isActive: boolean('is_active').notNull().default(true),
    // Access tokens carry it; bumped on a password or role change so every earlier token stops working.
    tokenVersion: integer('token_version').notNull().default(0),
  },
  (table) => [
    // Widget users are keyed by external id only: they never collide with (or take over) an account by email.
    uniqueIndex('users_email_lower_key')
      .on(sql`lower(${table.email})`)
      .where(sql`${table.externalId} is null or not (${table.externalId} like 'widget|%' or ${table.externalId} like 'widget-visitor|%')`),
    uniqueIndex('users_external_id_key').on(table.externalId),
    check('users_role_check', sql`${table.role} in ('USER', 'ADMIN')`),
  ],
);

export const conversations = pgTable(
  'chat_conversation',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status', { enum: CONVERSATION_STATUSES }).notNull().default('ACTIVE'),
    lastMessageAt: timestampMs('last_message_at').notNull().defaultNow(),
    lastSeq: integer('last_seq').notNull().default(0),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
    // Agent workflow: who owns it (an ADMIN or nobody), when it was last closed, and how many times, so a
    // rating belongs to one closing.
    assigneeId: integer('assignee_id').references((): AnyPgColumn => users.id, { onDelete: 'set null' }),
    assignedAt: timestampMs('assigned_at'),
    closedAt: timestampMs('closed_at'),
    closeCount: integer('close_count').notNull().default(0),
    // Unread messages per side, kept by the append (+1) and by marking read (minus what it marked), so the
    // conversation list never counts message rows: its cost does not grow with unread messages.
    unreadByAdmins: integer('unread_by_admins').notNull().default(0),
    unreadByUser: integer('unread_by_user').notNull().default(0),
  },
  (table) => [
    index('chat_conversation_assignee_idx').on(table.assigneeId, table.status),
    index('chat_conversation_user_idx').on(table.userId, table.lastMessageAt.desc(), table.id.desc()),
    index('chat_conversation_status_activity_idx').on(table.status, table.lastMessageAt.desc(), table.id.desc()),
    index('chat_conversation_activity_idx').on(table.lastMessageAt.desc(), table.id.desc()),
    // A user has at most one ACTIVE conversation; concurrent first messages race on this index.
    uniqueIndex('chat_conversation_one_active_per_user')
      .on(table.userId)
      .where(sql`${table.status} = 'ACTIVE'`),
    check('chat_conversation_status_check', sql`${table.status} in ('ACTIVE', 'CLOSED')`),
  ],
);

export const messages = pgTable(
  'chat_message',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    senderId: integer('sender_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    content: text('content').notNull(),
    isRead: boolean('is_read').notNull().default(false),
    readAt: timestampMs('read_at'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    // Position in the conversation, given out under the conversation row lock: seq order is commit order.
    seq: integer('seq').notNull(),
    clientMessageId: uuid('client_message_id'),
    // A private note: admins only, never shown to the conversation's user by any path.
    isPrivate: boolean('is_private').notNull().default(false),
    // Full-text search over content; 'simple' works for every language (no stemming).
    searchVector: tsvector('search_vector').generatedAlwaysAs(sql`to_tsvector('simple'::regconfig, content)`),
  },
  (table) => [
    uniqueIndex('chat_message_conversation_seq_key').on(table.conversationId, table.seq),
    index('chat_message_conversation_id_idx').on(table.conversationId, table.id),
    // Retries of one send (same sender, same client id) find the first row instead of adding one.
    uniqueIndex('chat_message_sender_client_id_key').on(table.senderId, table.clientMessageId),
    index('chat_message_unread_idx')
      .on(table.conversationId, table.senderId)
      .where(sql`not ${table.isRead}`),
    index('chat_message_search_idx').using('gin', table.searchVector),
  ],
);

export const attachments = pgTable(
  'chat_attachment',
  {
    // Random ids: an attachment URL cannot be guessed from another one.
    id: uuid('id').primaryKey().defaultRandom(),
    uploaderId: integer('uploader_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    messageId: integer('message_id').references(() => messages.id, { onDelete: 'cascade' }),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    width: integer('width'),
    height: integer('height'),
    storageKey: text('storage_key').notNull(),
    thumbnailKey: text('thumbnail_key'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
  },
  (table) => [
    index('chat_attachment_message_idx').on(table.messageId),
    // The daily upload quota sums one uploader's recent files.
    index('chat_attachment_uploader_idx').on(table.uploaderId, table.createdAt),
    index('chat_attachment_unattached_idx')
      .on(table.createdAt)
      .where(sql`${table.messageId} is null`),
  ],
);

// Events for the host app's webhook, written in the transaction that makes them true, delivered later.
export const webhookOutbox = pgTable(
  'webhook_outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    event: text('event').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestampMs('next_attempt_at').notNull().defaultNow(),
    deliveredAt: timestampMs('delivered_at'),
    lastError: text('last_error'),
  },
  (table) => [
    index('webhook_outbox_due_idx')
      .on(table.nextAttemptAt, table.id)
      .where(sql`${table.deliveredAt} is null`),
  ],
);

export const pushSubscriptions = pgTable(
  'push_subscription',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
  },
  (table) => [uniqueIndex('push_subscription_endpoint_key').on(table.endpoint), index('push_subscription_user_idx').on(table.userId)],
);

// A signed-in device: one refresh-token family. Revoking it ends every token of the family.
export const authSessions = pgTable(
  'auth_session',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    userAgent: text('user_agent'),
    ip: text('ip'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    lastUsedAt: timestampMs('last_used_at').notNull().defaultNow(),
    expiresAt: timestampMs('expires_at').notNull(),
    revokedAt: timestampMs('revoked_at'),
  },
  (table) => [index('auth_session_user_idx').on(table.userId, table.id)],
);

// Every refresh token ever given out, hashed; a used one presented again means it was stolen (reuse detection).
export const refreshTokens = pgTable(
  'auth_refresh_token',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: integer('session_id')
      .notNull()
      .references(() => authSessions.id, { onDelete: 'cascade' }),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    usedAt: timestampMs('used_at'),
  },
  (table) => [index('auth_refresh_token_session_idx').on(table.sessionId)],
);

// Saved replies for admins, inserted from the composer with `/shortCode`.
export const cannedResponses = pgTable(
  'chat_canned_response',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    shortCode: text('short_code').notNull(),
    content: text('content').notNull(),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [uniqueIndex('chat_canned_response_short_code_key').on(table.shortCode)],
);

// One rating per closing of a conversation (closing = the conversation's close_count when it was rated).
export const ratings = pgTable(
  'chat_rating',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    closing: integer('closing').notNull(),
    score: integer('score').notNull(),
    comment: text('comment'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('chat_rating_conversation_closing_key').on(table.conversationId, table.closing),
    index('chat_rating_created_idx').on(table.createdAt),
    check('chat_rating_score_check', sql`${table.score} between 1 and 5`),
  ],
);

// Email notifications, derived from the message rows: per conversation and recipient, messages up to
// last_emailed_seq are covered (emailed, read or skipped); what is after it and unread is due once old enough.
export const emailNotifications = pgTable(
  'email_notification',
  {
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    recipientId: integer('recipient_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    lastEmailedSeq: integer('last_emailed_seq').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestampMs('next_attempt_at').notNull().defaultNow(),
    lastSentAt: timestampMs('last_sent_at'),
    lastError: text('last_error'),
  },
  (table) => [
    primaryKey({ name: 'email_notification_pkey', columns: [table.conversationId, table.recipientId] }),
    index('email_notification_due_idx').on(table.nextAttemptAt),
  ],
);

// What the website widget knows about its user, shown to agents beside the conversation.
export const widgetContacts = pgTable('widget_contact', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  // False for a visitor's self-typed email; true when it came with a valid user hash or host token.
  emailVerified: boolean('email_verified').notNull().default(false),
  attributes: jsonb('attributes').$type<Record<string, string | number | boolean>>().notNull().default({}),
  pageUrl: text('page_url'),
  browser: text('browser'),
  timeZone: text('time_zone'),
  updatedAt: timestampMs('updated_at').notNull().defaultNow(),
});

export type UserRow = typeof users.$inferSelect;
export type AuthSessionRow = typeof authSessions.$inferSelect;
export type WidgetContactRow = typeof widgetContacts.$inferSelect;
export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type AttachmentRow = typeof attachments.$inferSelect;
