export const ROUTES = {
  signIn: '/sign-in',
  signUp: '/sign-up',
  inbox: '/inbox',
  newConversation: '/inbox/new',
  // Not /chat: that prefix belongs to the API, so the server's SPA fallback would not answer a reload there.
  userChat: '/support',
  team: '/team',
  account: '/account',
  // Admins: the agent workflow report.
  reports: '/reports',
} as const;

export function conversationRoute(id: number): string {
  return `${ROUTES.inbox}/${id}`;
}

// What the inbox shows on the right for a path.
export type InboxSelection = { kind: 'none' } | { kind: 'new' } | { kind: 'conversation'; id: number };

export function inboxSelectionOf(path: string): InboxSelection | undefined {
  if (path === ROUTES.inbox || path === `${ROUTES.inbox}/`) {
    return { kind: 'none' };
  }
  if (path === ROUTES.newConversation) {
    return { kind: 'new' };
  }
  const match = /^\/inbox\/([1-9]\d{0,9})$/.exec(path);
  return match?.[1] ? { kind: 'conversation', id: Number(match[1]) } : undefined;
}
