// Where an email's "continue the conversation" link points. Today the web chat, which opens the conversation
// from ?conversation=<id> (the same link push notifications use). Conversations started in the website widget
// may later know the page they started on: extend this one function to prefer that page.
export function continueConversationUrl(publicUrl: string, conversation: { id: number }): string {
  return `${publicUrl}/?conversation=${conversation.id}`;
}
