export const SESSION_EXPIRED_NOTICE = 'Your session has expired. Please sign in again.';
export const SESSION_REVOKED_NOTICE = 'Your session is no longer valid. Please sign in again.';
