import { z } from 'zod';

export const ErrorCode = {
  VALIDATION: 'VALIDATION',
  UNAUTHORIZED: 'UNAUTHORIZED',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  // The token's session was revoked, or the account changed (password, role, deactivation): refresh or sign in.
  TOKEN_REVOKED: 'TOKEN_REVOKED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONVERSATION_NOT_FOUND: 'CONVERSATION_NOT_FOUND',
  USER_NOT_FOUND: 'USER_NOT_FOUND',
  CONFLICT: 'CONFLICT',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  REGISTRATION_CLOSED: 'REGISTRATION_CLOSED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  // The user's daily upload quota is used up.
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  // The storage volume is nearly full: uploads are refused before they fill it.
  INSUFFICIENT_STORAGE: 'INSUFFICIENT_STORAGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED: 'RATE_LIMITED',
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const errorCodeSchema = z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]);

export const validationIssueSchema = z.object({ path: z.string(), message: z.string() });
export type ValidationIssue = z.output<typeof validationIssueSchema>;

// The one error shape: HTTP bodies carry the status too, socket acks and `error` events do not.
export const socketErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  issues: z.array(validationIssueSchema).optional(),
  retryAfterMs: z.number().optional(),
});
export type SocketError = z.output<typeof socketErrorSchema>;

export const httpErrorSchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  code: errorCodeSchema,
  issues: z.array(validationIssueSchema).optional(),
  retryAfterMs: z.number().optional(),
});
export type HttpErrorBody = z.output<typeof httpErrorSchema>;
