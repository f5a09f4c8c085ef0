// "@Ana", "@Ana Lima" or "@ana.lima" (the email's local part) names an admin, case-insensitively, when not
// followed by a letter or digit. Pure, so it is tested without a server.
export function mentionedAdminIds(content: string, admins: { id: number; name: string; email: string }[]): number[] {
  const lower = content.toLowerCase();
  const found: number[] = [];
  for (const admin of admins) {
    const handles = [admin.name.trim(), admin.name.trim().split(/\s+/)[0] ?? '', admin.email.split('@')[0] ?? '']
      .map((handle) => handle.toLowerCase())
      .filter((handle) => handle.length > 0);
    if (handles.some((handle) => mentions(lower, handle))) {
      found.push(admin.id);
    }
  }
  return found;
}

function mentions(text: string, handle: string): boolean {
  let from = 0;
  for (;;) {
    const at = text.indexOf(`@${handle}`, from);
    if (at < 0) {
      return false;
    }
    const before = at === 0 ? ' ' : text[at - 1];
    const after = text[at + handle.length + 1] ?? ' ';
    if (!/[\p{L}\p{N}_.@-]/u.test(before ?? ' ') && !/[\p{L}\p{N}_]/u.test(after)) {
      return true;
    }
    from = at + 1;
  }
}
