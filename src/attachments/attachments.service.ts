import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { MultipartFile } from '@fastify/multipart';
import { randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { type Actor, isAdmin } from '../auth/actor.js';
import { DomainError, ErrorCode, notFound } from '../common/errors.js';
import { lazyImport } from '../common/lazy-import.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import type { AttachmentRow } from '../database/schema.js';
import { type AttachmentView } from '../contract/messages.js';
import { toAttachmentView } from '../messages/message.records.js';
import { AttachmentsRepository } from './attachments.repository.js';
import { sanitizeFileName } from './file-names.js';
import { SNIFF_BYTES, sniffType } from './file-types.js';
import { ATTACHMENT_STORAGE, type AttachmentStorage } from './storage/attachment-storage.js';
import { UploadLimits } from './upload-limits.js';

const THUMBNAIL_SIZE = 320;
// Decompression bombs: refuse images larger than this many pixels.
const MAX_IMAGE_PIXELS = 40_000_000;
// sharp (libvips) is tens of MB resident: loaded with the first image, not at start.
const loadSharp = lazyImport(async () => (await import('sharp')).default);

export interface AttachmentDownload {
  body: Readable;
  contentType: string;
  fileName: string;
  size?: number;
  isInline: boolean;
}

// The first bytes of the upload (to decide its type) and a stream of the whole of it.
async function splitHead(file: Readable): Promise<{ head: Buffer; whole: Readable }> {
  const iterator = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay() {
    yield head;
    if (!done) {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        yield next.value;
      }
    }
  }
  return { head: head.subarray(0, SNIFF_BYTES), whole: Readable.from(replay()) };
}

function isFileTooLarge(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'FST_REQ_FILE_TOO_LARGE';
}

@Injectable()
export class AttachmentsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AttachmentsService.name);
  private sweepTimer?: NodeJS.Timeout;

  constructor(
    private readonly attachments: AttachmentsRepository,
    private readonly conversations: ConversationsService,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limits: UploadLimits,
  ) {}

  onModuleInit(): void {
    const every = Math.min(Math.max(Math.floor(this.config.attachmentOrphanTtlMs / 4), 250), 3_600_000);
    this.sweepTimer = setInterval(() => void this.sweepUnattached(), every);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  // Streams the upload to storage while counting it; the type comes from the first bytes.
  async upload(
    actor: Actor,
    readPart: () => Promise<MultipartFile | undefined>,
    declaredBytes: number | undefined,
  ): Promise<AttachmentView> {
    await this.limits.beforeUpload(actor, declaredBytes);
    const part = await readPart();
    if (!part) {
      throw new DomainError(ErrorCode.VALIDATION, 'Send one file as multipart/form-data (field "file")');
    }
    const { head, whole } = await this.readHead(part);
    const type = await sniffType(head);
    if (!type) {
      part.file.resume();
      throw new DomainError(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        'This type of file cannot be shared (allowed: images, PDF, text, zip and Office documents)',
      );
    }
    const id = randomUUID();
    const key = `attachments/${id}`;
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        callback(null, chunk);
      },
    });
    whole.on('error', (error) => counter.destroy(error));
    try {
      await this.storage.write(key, whole.pipe(counter), type.contentType);
    } catch (error) {
      await this.storage.remove(key).catch(() => undefined);
      if (isFileTooLarge(error) || part.file.truncated) {
        throw this.tooLarge();
      }
      throw error;
    }
    if (part.file.truncated) {
      await this.storage.remove(key).catch(() => undefined);
      throw this.tooLarge();
    }
    try {
      await this.limits.afterUpload(actor, size);
    } catch (error) {
      await this.storage.remove(key).catch(() => undefined);
      throw error;
    }
    const image = type.isImage ? await this.limits.decode(() => this.describeImage(id, key)) : undefined;
    const row = await this.attachments.insert({
      id,
      uploaderId: actor.id,
      fileName: sanitizeFileName(part.filename, type.contentType === 'text/plain' ? 'file.txt' : 'file'),
      contentType: type.contentType,
      size,
      width: image?.width ?? null,
      height: image?.height ?? null,
      storageKey: key,
      thumbnailKey: image?.thumbnailKey ?? null,
    });
    return toAttachmentView(this.summary(row));
  }

  // A file that arrived another way (an attachment of an email reply): the same type and size rules.
  async storeFile(uploader: Actor, fileName: string, content: Buffer): Promise<AttachmentView> {
    if (content.length > this.config.maxAttachmentBytes) {
      throw this.tooLarge();
    }
    const type = await sniffType(content.subarray(0, SNIFF_BYTES));
    if (!type) {
      throw new DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'This type of file cannot be shared');
    }
    const id = randomUUID();
    const key = `attachments/${id}`;
    await this.storage.write(key, Readable.from([content]), type.contentType);
    const image = type.isImage ? await this.describeImage(id, key) : undefined;
    const row = await this.attachments.insert({
      id,
      uploaderId: uploader.id,
      fileName: sanitizeFileName(fileName, type.contentType === 'text/plain' ? 'file.txt' : 'file'),
      contentType: type.contentType,
      size: content.length,
      width: image?.width ?? null,
      height: image?.height ?? null,
      storageKey: key,
      thumbnailKey: image?.thumbnailKey ?? null,
    });
    return toAttachmentView(this.summary(row));
  }

  async download(actor: Actor, id: string, variant: 'original' | 'thumbnail'): Promise<AttachmentDownload> {
    const found = await this.attachments.findWithConversation(id);
    if (!found) {
      throw notFound('Attachment');
    }
    const { attachment, conversationId, isPrivate } = found;
    // A private note's files are the admins' only, like the note.
    if (isPrivate && !isAdmin(actor)) {
      throw notFound('Attachment');
    }
    if (conversationId === null) {
      // Not yet sent: only its uploader may see it.
      if (attachment.uploaderId !== actor.id) {
        throw notFound('Attachment');
      }
    } else {
      // Only "no access" becomes the attachment's 404; a database outage stays UNAVAILABLE.
      await this.conversations.requireAccessibleOwner(actor, conversationId).catch((error: unknown) => {
        throw error instanceof DomainError && error.code === ErrorCode.CONVERSATION_NOT_FOUND ? notFound('Attachment') : error;
      });
    }
    const isThumbnail = variant === 'thumbnail';
    if (isThumbnail && !attachment.thumbnailKey) {
      throw notFound('Attachment');
    }
    const key = isThumbnail && attachment.thumbnailKey ? attachment.thumbnailKey : attachment.storageKey;
    return {
      body: await this.storage.read(key),
      contentType: isThumbnail ? 'image/webp' : attachment.contentType,
      fileName: attachment.fileName,
      size: isThumbnail ? undefined : attachment.size,
      isInline: attachment.width !== null,
    };
  }

  async sweepUnattached(): Promise<number> {
    try {
      const removed = await this.attachments.deleteUnattachedBefore(new Date(Date.now() - this.config.attachmentOrphanTtlMs));
      for (const row of removed) {
        await this.storage.remove(row.storageKey).catch(() => undefined);
        if (row.thumbnailKey) {
          await this.storage.remove(row.thumbnailKey).catch(() => undefined);
        }
      }
      return removed.length;
    } catch (error) {
      this.logger.warn(`attachment sweep failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }
  }

  private async readHead(part: MultipartFile): Promise<{ head: Buffer; whole: Readable }> {
    try {
      return await splitHead(part.file);
    } catch (error) {
      if (isFileTooLarge(error)) {
        throw this.tooLarge();
      }
      throw error;
    }
  }

  private async describeImage(id: string, key: string): Promise<{ width: number; height: number; thumbnailKey: string }> {
    const options = { failOn: 'error' as const, limitInputPixels: MAX_IMAGE_PIXELS };
    // Outside the try: a sharp that cannot load is the server's fault, not a bad image.
    const sharp = await loadSharp();
    try {
      const metadata = await (await this.storage.read(key)).pipe(sharp(options)).metadata();
      if (!metadata.width || !metadata.height) {
        throw new Error('no dimensions');
      }
      const thumbnailKey = `thumbnails/${id}.webp`;
      const thumbnail = (await this.storage.read(key)).pipe(
        sharp(options).rotate().resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 }),
      );
      await this.storage.write(thumbnailKey, thumbnail, 'image/webp');
      const rotated = (metadata.orientation ?? 1) >= 5;
      return { width: rotated ? metadata.height : metadata.width, height: rotated ? metadata.width : metadata.height, thumbnailKey };
    } catch (error) {
      await this.storage.remove(key).catch(() => undefined);
      this.logger.debug(`image rejected: ${error instanceof Error ? error.message : String(error)}`);
      throw new DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'The image could not be read (corrupt, or larger than 40 megapixels)');
    }
  }

  private tooLarge(): DomainError {
    return new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, `Files are limited to ${this.config.maxAttachmentBytes} bytes`);
  }

  private summary(row: AttachmentRow) {
    return {
      id: row.id,
      fileName: row.fileName,
      contentType: row.contentType,
      size: row.size,
      width: row.width,
      height: row.height,
      hasThumbnail: row.thumbnailKey !== null,
    };
  }
}
