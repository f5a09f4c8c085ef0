import { Inject, Injectable } from '@nestjs/common';
import { and, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import { DATABASE, type Database } from '../database/database.js';
import { attachments, type AttachmentRow, messages } from '../database/schema.js';

export type NewAttachment = typeof attachments.$inferInsert;

@Injectable()
export class AttachmentsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async insert(row: NewAttachment): Promise<AttachmentRow> {
    const [inserted] = await this.db.insert(attachments).values(row).returning();
    if (!inserted) {
      throw new Error('insert returned no row');
    }
    return inserted;
  }

  // The attachment and, once it is attached, the conversation of its message.
  async findWithConversation(
    id: string,
  ): Promise<{ attachment: AttachmentRow; conversationId: number | null; isPrivate: boolean | null } | undefined> {
    const [row] = await this.db
      .select({ attachment: attachments, conversationId: messages.conversationId, isPrivate: messages.isPrivate })
      .from(attachments)
      .leftJoin(messages, eq(messages.id, attachments.messageId))
      .where(eq(attachments.id, id))
      .limit(1);
    return row;
  }

  // Never attached within the grace period: removed with their stored files.
  async deleteUnattachedBefore(cutoff: Date): Promise<AttachmentRow[]> {
    return this.db
      .delete(attachments)
      .where(and(isNull(attachments.messageId), lt(attachments.createdAt, cutoff)))
      .returning();
  }

  // Bytes this user uploaded since `since` (the daily quota), read through chat_attachment_uploader_idx.
  async bytesUploadedSince(uploaderId: number, since: Date): Promise<number> {
    const [row] = await this.db
      .select({ total: sql<number>`coalesce(sum(${attachments.size}), 0)::float8` })
      .from(attachments)
      .where(and(eq(attachments.uploaderId, uploaderId), gte(attachments.createdAt, since)));
    return row?.total ?? 0;
  }
}
