export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
// Punctuation that usually ends the sentence rather than the URL.
const TRAILING_PUNCTUATION = /[.,;:!?)\]]+$/;

// Splits message text into plain text and http(s) links; nothing here is ever parsed as HTML.
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let index = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    const start = match.index;
    if (start > index) {
      parts.push({ kind: 'text', text: text.slice(index, start) });
    }
    parts.push({ kind: 'link', text: url, href: url });
    index = start + url.length;
  }
  if (index < text.length) {
    parts.push({ kind: 'text', text: text.slice(index) });
  }
  return parts;
}
