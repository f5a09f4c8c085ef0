// The rel="next" path of a Link header; only our own API paths are followed.
export function nextPathOf(headers: Headers): string | undefined {
  const link = headers.get('link');
  const path = link ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
  return path?.startsWith('/') && !path.startsWith('//') ? path : undefined;
}
