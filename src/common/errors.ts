import { ErrorCode, type ValidationIssue, type HttpErrorBody, type SocketError } from '../contract/errors.js';

// The code enum belongs to the contract; it is re-exported here for the server's many throw sites.
export { ErrorCode };

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    // context: extra fields for the error body (e.g. the current assignee of a lost compare-and-set).
    readonly details?: { retryAfterMs?: number; issues?: ValidationIssue[]; context?: Record<string, unknown> },
  ) {
    super(message);
  }
}

export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.VALIDATION:
      return 400;
    case ErrorCode.UNAUTHORIZED:
    case ErrorCode.TOKEN_EXPIRED:
    case ErrorCode.TOKEN_REVOKED:
      return 401;
    case ErrorCode.FORBIDDEN:
    case ErrorCode.REGISTRATION_CLOSED:
      return 403;
    case ErrorCode.NOT_FOUND:
    case ErrorCode.CONVERSATION_NOT_FOUND:
    case ErrorCode.USER_NOT_FOUND:
      return 404;
    case ErrorCode.CONFLICT:
    case ErrorCode.EMAIL_TAKEN:
      return 409;
    case ErrorCode.PAYLOAD_TOO_LARGE:
    case ErrorCode.QUOTA_EXCEEDED:
      return 413;
    case ErrorCode.INSUFFICIENT_STORAGE:
      return 507;
    case ErrorCode.UNSUPPORTED_MEDIA_TYPE:
      return 415;
    case ErrorCode.RATE_LIMITED:
      return 429;
    case ErrorCode.UNAVAILABLE:
      return 503;
    case ErrorCode.INTERNAL:
      return 500;
    default: {
      const unknownCode: never = code;
      throw new Error(`unmapped error code ${String(unknownCode)}`);
    }
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  507: 'Insufficient Storage',
  503: 'Service Unavailable',
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}

export function toHttpErrorBody(error: DomainError): HttpErrorBody {
  const statusCode = httpStatusOf(error.code);
  return {
    ...error.details?.context,
    statusCode,
    error: statusText(statusCode),
    message: error.message,
    code: error.code,
    ...(error.details?.issues ? { issues: error.details.issues } : {}),
    ...(error.details?.retryAfterMs !== undefined ? { retryAfterMs: error.details.retryAfterMs } : {}),
  };
}

export function toSocketError(error: DomainError): SocketError {
  return {
    ...error.details?.context,
    code: error.code,
    message: error.message,
    ...(error.details?.issues ? { issues: error.details.issues } : {}),
    ...(error.details?.retryAfterMs !== undefined ? { retryAfterMs: error.details.retryAfterMs } : {}),
  };
}

export const notFound = (what = 'Conversation') =>
  new DomainError(what === 'Conversation' ? ErrorCode.CONVERSATION_NOT_FOUND : ErrorCode.NOT_FOUND, `${what} not found`);
