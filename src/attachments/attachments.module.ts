import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsRepository } from './attachments.repository.js';
import { AttachmentsService } from './attachments.service.js';
import { ATTACHMENT_STORAGE } from './storage/attachment-storage.js';
import { LocalDiskStorage } from './storage/local-disk.storage.js';
import { S3Storage } from './storage/s3.storage.js';
import { UploadLimits } from './upload-limits.js';

@Module({
  imports: [AuthModule, ConversationsModule, RateLimitModule],
  controllers: [AttachmentsController],
  providers: [
    AttachmentsService,
    AttachmentsRepository,
    UploadLimits,
    {
      provide: ATTACHMENT_STORAGE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => (config.s3 ? new S3Storage(config.s3) : new LocalDiskStorage(join(config.dataDir, 'files'))),
    },
  ],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}
