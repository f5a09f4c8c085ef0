// The new part of an email reply: quoted history and signatures removed. Mail clients mark quotes in many
// ways; these cover Gmail, Apple Mail, Outlook, Thunderbird and phones ("Sent from my iPhone").
const CUT_BEFORE: RegExp[] = [
  // "On Mon, 7 Dec 2026 at 05:30, Support <reply+…@…> wrote:" (may wrap onto the next line)
  /^\s*On\b[^\n]{0,300}\n?[^\n]{0,200}\bwrote:\s*$/m,
  /^\s*Le\b[^\n]{0,300}a écrit\s*:\s*$/m,
  /^\s*Am\b[^\n]{0,300}schrieb[^\n]{0,200}:\s*$/m,
  /^\s*-{2,}\s*Original Message\s*-{2,}\s*$/im,
  /^\s*-{2,}\s*Forwarded message\s*-{2,}\s*$/im,
  // Outlook's header block: "From: …" followed by "Sent:"/"Date:" lines
  /^\s*\*?From:\*?[^\n]*\n\s*\*?(Sent|Date):\*?/im,
  /^_{20,}\s*$/m,
  // the signature delimiter "-- "
  /^-- ?$/m,
  /^\s*Sent from my [^\n]{1,40}$/im,
  /^\s*Get Outlook for [^\n]{1,40}$/im,
];

export function stripQuotedReply(text: string): string {
  let body = text.replace(/\r\n?/g, '\n');
  for (const marker of CUT_BEFORE) {
    const match = marker.exec(body);
    if (match) {
      body = body.slice(0, match.index);
    }
  }
  // Quoted lines ("> …") anywhere, then blank lines at the ends.
  return body
    .split('\n')
    .filter((line) => !/^\s*>/.test(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
