import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../database/database-errors.js';
import { DomainError, ErrorCode, statusText, toHttpErrorBody } from './errors.js';
import { type HttpErrorBody } from '../contract/errors.js';

const logger = new Logger('HttpErrors');

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return ErrorCode.UNAUTHORIZED;
    case 403:
      return ErrorCode.FORBIDDEN;
    case 404:
      return ErrorCode.NOT_FOUND;
    case 409:
      return ErrorCode.CONFLICT;
    case 413:
      return ErrorCode.PAYLOAD_TOO_LARGE;
    case 415:
      return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
    case 429:
      return ErrorCode.RATE_LIMITED;
    case 503:
      return ErrorCode.UNAVAILABLE;
    default:
      return status >= 500 ? ErrorCode.INTERNAL : ErrorCode.VALIDATION;
  }
}

function bodyFor(statusCode: number, message: string, code = codeForStatus(statusCode)): HttpErrorBody {
  return { statusCode, error: statusText(statusCode), message, code };
}

// Fastify's own request errors (malformed JSON, body too large, wrong content type) carry a 4xx statusCode.
function isFastifyClientError(error: unknown): error is Error & { statusCode: number; code?: string } {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return error instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}

// The one error shape: {statusCode, error, message, code}. Unexpected errors become a 500 without details.
export function toErrorResponse(error: unknown, requestId?: string): HttpErrorBody {
  if (error instanceof DomainError) {
    return toHttpErrorBody(error);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : typeof (response as { message?: unknown }).message === 'string'
          ? (response as { message: string }).message
          : error.message;
    return bodyFor(status, status === 404 ? 'Not found' : message);
  }
  if (isFastifyClientError(error)) {
    const message =
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/i.test(error.message)
        ? `Malformed JSON body: ${error.message}`
        : error.message;
    return bodyFor(error.statusCode, message);
  }
  if (isDatabaseUnavailable(error)) {
    return bodyFor(503, 'The database is unavailable; retry shortly', ErrorCode.UNAVAILABLE);
  }
  logger.error({ err: error, requestId }, 'unexpected error');
  return bodyFor(500, `Internal error${requestId ? ` (request ${requestId})` : ''}`, ErrorCode.INTERNAL);
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      return;
    }
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const body = toErrorResponse(error, String(request.id));
    if (body.retryAfterMs !== undefined) {
      void reply.header('Retry-After', String(Math.ceil(body.retryAfterMs / 1000)));
    }
    void reply.status(body.statusCode).send(body);
  }
}
