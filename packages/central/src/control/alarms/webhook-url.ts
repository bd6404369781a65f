/**
 * A webhook URL as answers and the history show it: scheme, host and first path segment only.
 * Chat and paging webhooks carry their secret in the path or query
 * (`https://hooks.slack.com/services/T…/B…/secret`), and the read token may see every answer.
 */
export function shownUrl(url: string): string {
  const parsed = new URL(url);
  const [first, ...rest] = parsed.pathname.split('/').filter(Boolean);
  const hidden = rest.length > 0 || parsed.search !== '' || parsed.username !== '' || parsed.password !== '';
  return `${parsed.protocol}//${parsed.host}${first === undefined ? '' : `/${first}`}${hidden ? '/…' : ''}`;
}
