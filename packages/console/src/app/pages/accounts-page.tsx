import { accountColor } from '../account-colors.ts';
import type { AccountJson } from '../api-types.ts';
import { onLinkClick, urlOf } from '../router.ts';
import { useApi } from '../use-api.ts';

/** Every account central knows: linked or sending, how much, how recently, and its link's state. */
export function AccountsPage() {
  const loaded = useApi<{ accounts: AccountJson[] }>('/api/accounts');
  if (loaded.state === 'loading') return <p class="muted">Loading accounts…</p>;
  if (loaded.state === 'failed') return <p class="error">{loaded.error.message}</p>;
  const accounts = loaded.value.accounts;
  if (accounts.length === 0) return <p class="empty">No account yet: create a sink and a link (`stitch sink create`, `stitch link create`).</p>;
  return (
    <table class="accounts">
      <thead>
        <tr>
          <th>account</th>
          <th>link</th>
          <th>spans</th>
          <th>last span</th>
          <th>services</th>
        </tr>
      </thead>
      <tbody>
        {accounts.map((account) => {
          const traces = urlOf('/search', { account: account.accountId });
          const map = urlOf('/map', { account: account.accountId });
          return (
            <tr key={account.accountId} data-account-id={account.accountId}>
              <td>
                <span class="account-dot" style={{ background: accountColor(account.accountId) }} />
                <strong>{account.label}</strong> <span class="muted mono">{account.accountId}</span>
                <div>
                  <a href={traces} onClick={(event) => onLinkClick(event, traces)}>
                    traces
                  </a>{' '}
                  ·{' '}
                  <a href={map} onClick={(event) => onLinkClick(event, map)}>
                    map
                  </a>
                </div>
              </td>
              <td>
                {account.link === null ? (
                  <span class="muted">not linked (central's own)</span>
                ) : account.link.revokedAt ? (
                  <span class="badge error" title={`deleted ${account.link.revokedAt}`}>
                    revoked
                  </span>
                ) : (
                  <span class="badge">
                    {account.link.id}: {account.link.types.join(', ')}
                  </span>
                )}
              </td>
              <td>{account.spanCount.toLocaleString()}</td>
              <td>{account.lastSeenMs === null ? '–' : new Date(account.lastSeenMs).toLocaleString()}</td>
              <td>{account.services.join(', ')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
