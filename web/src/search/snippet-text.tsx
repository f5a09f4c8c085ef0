import type { SnippetPart } from '@contract/search';

// The server sends the snippet as parts, so the marks are built here and every part stays text.
export function SnippetText({ parts }: { parts: SnippetPart[] }) {
  return <>{parts.map((part, index) => (part.highlight ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>))}</>;
}
