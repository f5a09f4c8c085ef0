export interface PlaceholderValues {
  userName: string;
  userEmail: string;
  agentName: string;
}

// {{user.name}}, {{user.email}} and {{agent.name}} (spaces inside the braces allowed); others stay as written.
export function fillPlaceholders(content: string, values: PlaceholderValues): string {
  const known: Record<string, string> = {
    'user.name': values.userName,
    'user.email': values.userEmail,
    'agent.name': values.agentName,
  };
  return content.replace(/\{\{\s*([a-z.]+)\s*\}\}/g, (whole, key: string) => known[key] ?? whole);
}

// "/ord" at the end of the draft (at its start or after a space): the short code being typed.
export function slashQueryOf(text: string): { query: string; start: number } | undefined {
  const match = /(^|\s)\/([a-z0-9_-]*)$/i.exec(text);
  if (!match) {
    return undefined;
  }
  const query = match[2] ?? '';
  return { query, start: text.length - query.length - 1 };
}
