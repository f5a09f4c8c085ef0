import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq, notInArray, sql } from 'drizzle-orm';
import { DATABASE, type Database } from '../database/database.js';
import { pushSubscriptions, users } from '../database/schema.js';

export interface PushTarget {
  id: number;
  userId: number;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface NewPushSubscription {
  userId: number;
  endpoint: string;
  p256dh: string;
  auth: string;
}

const targetColumns = {
  id: pushSubscriptions.id,
  userId: pushSubscriptions.userId,
  endpoint: pushSubscriptions.endpoint,
  p256dh: pushSubscriptions.p256dh,
  auth: pushSubscriptions.auth,
};

@Injectable()
export class PushSubscriptionsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  // An endpoint belongs to one browser profile: whoever signs in there last receives its notifications.
  async upsert(subscription: NewPushSubscription, keepPerUser: number): Promise<{ endpoint: string; createdAt: Date }> {
    const [row] = await this.db
      .insert(pushSubscriptions)
      .values(subscription)
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: { userId: subscription.userId, p256dh: subscription.p256dh, auth: subscription.auth, createdAt: sql`now()` },
      })
      .returning({ endpoint: pushSubscriptions.endpoint, createdAt: pushSubscriptions.createdAt });
    if (!row) {
      throw new Error('push subscription upsert returned no row');
    }
    // A bounded fan-out per message: the user's newest subscriptions win.
    const newest = this.db
      .select({ id: pushSubscriptions.id })
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, subscription.userId))
      .orderBy(desc(pushSubscriptions.createdAt), desc(pushSubscriptions.id))
      .limit(keepPerUser);
    await this.db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.userId, subscription.userId), notInArray(pushSubscriptions.id, newest)));
    return row;
  }

  // False when the endpoint is not this user's (or does not exist).
  async deleteOwn(userId: number, endpoint: string): Promise<boolean> {
    const deleted = await this.db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
      .returning({ id: pushSubscriptions.id });
    return deleted.length > 0;
  }

  async deleteById(id: number): Promise<void> {
    await this.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id));
  }

  async any(): Promise<boolean> {
    const [row] = await this.db.select({ id: pushSubscriptions.id }).from(pushSubscriptions).limit(1);
    return row !== undefined;
  }

  async ofUser(userId: number): Promise<PushTarget[]> {
    return this.db
      .select(targetColumns)
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, userId))
      .orderBy(asc(pushSubscriptions.id));
  }

  async ofAdmins(): Promise<PushTarget[]> {
    return this.db
      .select(targetColumns)
      .from(pushSubscriptions)
      .innerJoin(users, eq(users.id, pushSubscriptions.userId))
      .where(eq(users.role, 'ADMIN'))
      .orderBy(asc(pushSubscriptions.id));
  }
}
