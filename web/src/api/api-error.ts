import type { ErrorCode, HttpErrorBody, ValidationIssue } from '@contract/errors';

// NETWORK: the request never got an answer (server down, offline).
export type ApiErrorCode = ErrorCode | 'NETWORK' | 'UNKNOWN';

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly issues: ValidationIssue[] = [],
  ) {
    super(message);
  }

  static fromBody(status: number, body: unknown): ApiError {
    if (isHttpErrorBody(body)) {
      return new ApiError(status, body.code, body.message, body.issues);
    }
    return new ApiError(status, 'UNKNOWN', `The server answered ${status}`);
  }

  get isSessionEnded(): boolean {
    return this.code === 'TOKEN_EXPIRED' || this.code === 'TOKEN_REVOKED' || this.code === 'UNAUTHORIZED';
  }

  // The access token alone is spent: a refresh may still continue the session.
  get isTokenSpent(): boolean {
    return this.code === 'TOKEN_EXPIRED' || this.code === 'TOKEN_REVOKED';
  }
}

function isHttpErrorBody(body: unknown): body is HttpErrorBody {
  return typeof body === 'object' && body !== null && 'code' in body && 'message' in body;
}

// What to tell a person about a failed request: the wording given for its code, else the server's own message
// (written for people), else the fallback when there was no answer from the server at all.
export function errorText(error: unknown, fallback: string, byCode: Partial<Record<ApiErrorCode, string>> = {}): string {
  return error instanceof ApiError ? (byCode[error.code] ?? error.message) : fallback;
}
