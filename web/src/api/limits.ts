// The server's MAX_MESSAGE_LENGTH default, used until GET /auth/options answers; the server counts code points
// after trimming.
export const MAX_MESSAGE_LENGTH = 4000;

export function messageLength(text: string): number {
  return [...text.trim()].length;
}
