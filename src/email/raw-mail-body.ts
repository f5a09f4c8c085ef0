import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

// Body types the email routes read: raw mails for POST /chat/inbound-email (up to the attachment limit, more
// than the 1 MB JSON limit) and the form body of RFC 8058 one-click unsubscribe POSTs.
const RAW_MAIL_TYPES = ['message/rfc822', 'application/octet-stream'];
const FORM_TYPE = 'application/x-www-form-urlencoded';
const SIZE_MARGIN_BYTES = 64 * 1024;

@Injectable()
export class RawMailBodyParsers implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const bodyLimit = this.config.maxAttachmentBytes + SIZE_MARGIN_BYTES;
    for (const type of RAW_MAIL_TYPES) {
      if (!fastify.hasContentTypeParser(type)) {
        fastify.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
      }
    }
    if (!fastify.hasContentTypeParser(FORM_TYPE)) {
      fastify.addContentTypeParser(FORM_TYPE, { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
    }
  }
}
