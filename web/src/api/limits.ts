// The server's MAX_MESSAGE_LENGTH default; the server counts code points after trimming.
export const MAX_MESSAGE_LENGTH = 4000;

export function messageLength(text: string): number {
  return [...text.trim()].length;
}
