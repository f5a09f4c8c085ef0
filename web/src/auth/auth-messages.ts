import { ApiError, type ApiErrorCode, errorText } from '../api/api-error.js';

const MESSAGES: Partial<Record<ApiErrorCode, string>> = {
  UNAUTHORIZED: 'Invalid email or password.',
  REGISTRATION_CLOSED: 'Registration is closed on this server. Ask an administrator for an account.',
  EMAIL_TAKEN: 'An account with this email already exists. Sign in instead.',
  RATE_LIMITED: 'Too many attempts. Wait a moment and try again.',
};

// What to tell a person whose sign-in or sign-up was refused.
export function authFailureMessage(error: unknown): string {
  if (error instanceof ApiError && error.code === 'VALIDATION' && error.issues.length > 0) {
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  }
  return errorText(error, 'Something went wrong. Please try again.', MESSAGES);
}
