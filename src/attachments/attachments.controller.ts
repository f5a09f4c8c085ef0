import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiZodResponse } from '../common/openapi.js';
import { attachmentSchema } from '../contract/messages.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { Authenticated, CurrentActor } from '../auth/auth.guard.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { AttachmentsService, type AttachmentDownload } from './attachments.service.js';
import { contentDisposition } from './file-names.js';

const attachmentIdSchema = z.strictObject({ id: z.uuid({ message: 'must be an attachment id' }) });

function send(reply: FastifyReply, file: AttachmentDownload) {
  void reply
    .header('Content-Type', file.contentType)
    .header('Content-Disposition', contentDisposition(file.isInline ? 'inline' : 'attachment', file.fileName))
    .header('Cache-Control', 'private, max-age=3600')
    .header('Content-Security-Policy', "default-src 'none'; sandbox");
  if (file.size !== undefined) {
    void reply.header('Content-Length', String(file.size));
  }
  return reply.send(file.body);
}

@ApiTags('attachments')
@Controller('chat/attachments')
@Authenticated()
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post()
  @ApiZodResponse(201, attachmentSchema)
  @ApiOperation({ summary: 'Upload one file (multipart/form-data, field "file"); send its id in attachmentIds within 24 h' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } })
  async upload(@CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const declared = Number(request.headers['content-length']);
    const view = await this.attachments.upload(actor, () => request.file(), Number.isFinite(declared) ? declared : undefined);
    void reply.status(201);
    return view;
  }

  @Get(':id')
  @ApiOperation({ summary: 'The file (images inline, others as a download); 404 unless you may see its conversation' })
  @ApiParam({ name: 'id', type: String, format: 'uuid' })
  async download(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(attachmentIdSchema)) params: { id: string },
    @Res() reply: FastifyReply,
  ) {
    return send(reply, await this.attachments.download(actor, params.id, 'original'));
  }

  @Get(':id/thumbnail')
  @ApiOperation({ summary: 'A small WebP preview of an image attachment' })
  @ApiParam({ name: 'id', type: String, format: 'uuid' })
  async thumbnail(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(attachmentIdSchema)) params: { id: string },
    @Res() reply: FastifyReply,
  ) {
    return send(reply, await this.attachments.download(actor, params.id, 'thumbnail'));
  }
}
