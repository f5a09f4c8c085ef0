// The only place room names are made. A user's sockets share its user room; admins also share ADMINS_ROOM.
export const ADMINS_ROOM = 'admins';
// Every signed-in USER's sockets: told when support comes online or goes away.
export const USERS_ROOM = 'users';

export function userRoom(userId: number): string {
  return `user:${userId}`;
}

// Everyone who may see a conversation: its user's sockets and every admin.
export function conversationAudience(conversationUserId: number): string[] {
  return [userRoom(conversationUserId), ADMINS_ROOM];
}

// The sockets of one signed-in device (session), so revoking a session closes exactly them.
export function sessionRoom(sessionId: number): string {
  return `session:${sessionId}`;
}

// Where the web app opens a conversation (notification links).
export function conversationUrl(conversationId: number): string {
  return `/?conversation=${conversationId}`;
}
