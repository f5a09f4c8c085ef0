import type { MessageView } from '../conversations/conversation.views.js';

// A snippet as parts, so clients render it as text and mark the hits: no HTML travels.
export interface SnippetPart {
  text: string;
  highlight: boolean;
}

export interface SearchResultView {
  message: MessageView;
  conversation: { id: number; userId: number; status: string; user: { id: number; name: string; email: string } };
  snippet: SnippetPart[];
}
