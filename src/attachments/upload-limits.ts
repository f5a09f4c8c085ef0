import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../auth/actor.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { RateLimiter } from '../rate-limit/rate-limiter.service.js';
import { AttachmentsRepository } from './attachments.repository.js';
import { ATTACHMENT_STORAGE, type AttachmentStorage } from './storage/attachment-storage.js';

const DAY_MS = 86_400_000;

// What one account may put on the server's disk: a number of uploads per hour, bytes per day, and nothing at all
// while the volume is nearly full (a full disk would also stop the embedded database). Image decoding, the
// expensive part, runs a bounded number at a time.
@Injectable()
export class UploadLimits {
  private decoding = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly attachments: AttachmentsRepository,
    private readonly rateLimiter: RateLimiter,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Before reading the body. declaredBytes: the request's Content-Length, an upper bound of the file.
  async beforeUpload(actor: Actor, declaredBytes: number | undefined): Promise<void> {
    const limits = this.config.uploads;
    await this.rateLimiter.consume({ name: 'upload', limit: limits.perHour, windowMs: 3_600_000 }, String(actor.id));
    if (this.storage.freeBytes && limits.minFreeDiskBytes > 0) {
      const free = await this.storage.freeBytes();
      if (free < limits.minFreeDiskBytes) {
        throw new DomainError(ErrorCode.INSUFFICIENT_STORAGE, 'The server is short of storage space; uploads are paused');
      }
    }
    const used = await this.attachments.bytesUploadedSince(actor.id, new Date(Date.now() - DAY_MS));
    const incoming = Math.min(declaredBytes ?? 1, this.config.maxAttachmentBytes);
    if (used + Math.max(1, incoming) > limits.quotaBytesPerDay) {
      throw this.quotaExceeded(used);
    }
  }

  // After the file is stored, with its real size (the Content-Length includes the multipart framing).
  async afterUpload(actor: Actor, size: number): Promise<void> {
    const used = await this.attachments.bytesUploadedSince(actor.id, new Date(Date.now() - DAY_MS));
    if (used + size > this.config.uploads.quotaBytesPerDay) {
      throw this.quotaExceeded(used);
    }
  }

  async decode<T>(work: () => Promise<T>): Promise<T> {
    if (this.decoding >= this.config.uploads.imageDecodeConcurrency) {
      // The finishing decode hands its slot straight over, so the count never goes above the bound.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.decoding += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) {
        next();
      } else {
        this.decoding -= 1;
      }
    }
  }

  private quotaExceeded(used: number): DomainError {
    const quota = this.config.uploads.quotaBytesPerDay;
    return new DomainError(
      ErrorCode.QUOTA_EXCEEDED,
      `Daily upload quota reached (${Math.round(used / 1024)} KiB of ${Math.round(quota / 1024)} KiB in the last 24 h); try again later`,
    );
  }
}
