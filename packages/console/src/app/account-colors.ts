/** A stable colour per account across every view: the same account is the same colour on the map and in the waterfall. */
export function accountColor(accountId: string): string {
  let hash = 0;
  for (let i = 0; i < accountId.length; i++) hash = (hash * 31 + accountId.charCodeAt(i)) >>> 0;
  return `var(--account-${hash % 10})`;
}
