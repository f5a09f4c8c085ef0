import { Inject, Injectable } from '@nestjs/common';
import { desc, eq, sql } from 'drizzle-orm';
import { DATABASE, type Database } from '../database/database.js';
import { conversations, users, widgetContacts, type UserRow, type WidgetContactRow } from '../database/schema.js';
import type { WidgetAttributes } from '../contract/widget.js';

export interface WidgetUserInput {
  externalId: string;
  // Given: stored (the latest verified value wins). Omitted: the stored one stays; a new account gets the fallback.
  email?: string;
  name?: string;
  fallbackEmail: string;
  fallbackName: string;
}

export interface ContactChange {
  emailVerified?: boolean;
  // Replaces the stored attributes; a merge is computed by the service.
  attributes?: WidgetAttributes;
  pageUrl?: string;
  browser?: string;
  timeZone?: string;
}

export interface ConversationSummaryRow {
  id: number;
  status: string;
  lastMessageAt: Date;
  createdAt: Date;
}

@Injectable()
export class WidgetRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  // Keyed by external id only: the unique email index leaves widget ids out, so a local account with the same
  // email is never found, merged or blocked here.
  async upsertUser(user: WidgetUserInput): Promise<UserRow> {
    const changes = {
      ...(user.email !== undefined ? { email: user.email } : {}),
      ...(user.name !== undefined ? { name: user.name } : {}),
    };
    const [row] = await this.db
      .insert(users)
      .values({
        externalId: user.externalId,
        email: user.email ?? user.fallbackEmail,
        name: user.name ?? user.fallbackName,
        role: 'USER',
        passwordHash: null,
      })
      .onConflictDoUpdate({
        target: users.externalId,
        // A no-op update when nothing changed, so the existing row is still returned.
        set: Object.keys(changes).length > 0 ? changes : { name: sql`${users.name}` },
      })
      .returning();
    if (!row) {
      throw new Error('upsert returned no row');
    }
    return row;
  }

  async findUser(userId: number): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, userId)).limit(1);
    return row;
  }

  async setUserEmail(userId: number, email: string): Promise<void> {
    await this.db.update(users).set({ email }).where(eq(users.id, userId));
  }

  async findContact(userId: number): Promise<WidgetContactRow | undefined> {
    const [row] = await this.db.select().from(widgetContacts).where(eq(widgetContacts.userId, userId)).limit(1);
    return row;
  }

  async saveContact(userId: number, change: ContactChange): Promise<WidgetContactRow> {
    const values = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)) as ContactChange;
    const [row] = await this.db
      .insert(widgetContacts)
      .values({ userId, ...values })
      .onConflictDoUpdate({ target: widgetContacts.userId, set: { ...values, updatedAt: sql`now()` } })
      .returning();
    if (!row) {
      throw new Error('upsert returned no row');
    }
    return row;
  }

  recentConversations(userId: number, limit: number): Promise<ConversationSummaryRow[]> {
    return this.db
      .select({
        id: conversations.id,
        status: conversations.status,
        lastMessageAt: conversations.lastMessageAt,
        createdAt: conversations.createdAt,
      })
      .from(conversations)
      .where(eq(conversations.userId, userId))
      .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
      .limit(limit);
  }
}
