import { useEffect } from 'react';
import { AccountPage } from './account/account-page.js';
import { AuthPage } from './auth/auth-page.js';
import { ConversationsProvider } from './conversations/conversations-provider.js';
import { InboxPage } from './inbox/inbox-page.js';
import { AppShell } from './layout/app-shell.js';
import { ChatConnectionProvider } from './realtime/connection-context.js';
import { conversationRoute, ROUTES } from './routing/routes.js';
import { useRoute } from './routing/use-route.js';
import { useSession } from './session/session-context.js';
import { TeamPage } from './team/team-page.js';
import { ReportsPage } from './reports/reports-page.js';
import { UserChatPage } from './user-chat/user-chat-page.js';

function homeOf(role: string): string {
  return role === 'ADMIN' ? ROUTES.inbox : ROUTES.userChat;
}

// A push notification opens "/?conversation=<id>": admins go to that conversation, users to their chat.
function landingOf(role: string): string {
  const id = Number(new URLSearchParams(window.location.search).get('conversation'));
  return role === 'ADMIN' && Number.isSafeInteger(id) && id > 0 ? conversationRoute(id) : homeOf(role);
}

function isAllowed(path: string, role: string): boolean {
  if (path === ROUTES.account) {
    return true;
  }
  return role === 'ADMIN'
    ? path === ROUTES.inbox || path.startsWith(`${ROUTES.inbox}/`) || path === ROUTES.team || path === ROUTES.reports
    : path === ROUTES.userChat;
}

function pageOf(path: string, role: string) {
  if (path === ROUTES.account) {
    return <AccountPage />;
  }
  if (role !== 'ADMIN') {
    return <UserChatPage />;
  }
  if (path === ROUTES.team) {
    return <TeamPage />;
  }
  return path === ROUTES.reports ? <ReportsPage /> : <InboxPage path={path} />;
}

export function App() {
  const { session, end, refresh, currentToken, isRestoring } = useSession();
  const { path, navigate } = useRoute();
  const role = session?.user.role;

  // Each role has its own pages; anything else (including /sign-in once signed in) goes home.
  useEffect(() => {
    if (isRestoring) {
      return;
    }
    if (!role && path !== ROUTES.signIn && path !== ROUTES.signUp) {
      navigate(ROUTES.signIn, { replace: true });
    } else if (role && !isAllowed(path, role)) {
      navigate(landingOf(role), { replace: true });
    }
  }, [role, path, navigate, isRestoring]);

  if (isRestoring) {
    return null;
  }
  if (!session) {
    return <AuthPage mode={path === ROUTES.signUp ? 'sign-up' : 'sign-in'} />;
  }
  return (
    <ChatConnectionProvider key={session.user.id} token={currentToken} renewToken={refresh} onSessionEnded={end}>
      <ConversationsProvider>
        <AppShell>{pageOf(path, session.user.role)}</AppShell>
      </ConversationsProvider>
    </ChatConnectionProvider>
  );
}
