import { accountColor } from '../account-colors.ts';
import type { AccountJson, AccountsJson } from '@stitch/api';
import { PartialBanner } from '../components/partial-banner.tsx';
import { formatAgo, formatInstant } from '@stitch/model';
import { onLinkClick, urlOf } from '../router.ts';
import { useApi } from '../use-api.ts';

/** Every account central knows: linked or sending, how it shares its spans, how much, how recently, and its link's state. */
export function AccountsPage() {
  const loaded = useApi<AccountsJson>('/api/accounts');
  if (loaded.state === 'loading') return <p class="muted">Loading accounts…</p>;
  if (loaded.state === 'failed') return <p class="error">{loaded.error.message}</p>;
  const accounts = loaded.value.accounts;
  if (accounts.length === 0) return <p class="empty">No account yet: create a sink and a link (`stitch sink create`, `stitch link create`).</p>;
  const nowMs = Date.now();
  return (
    <>
      <PartialBanner partial={loaded.value.partial} effect="Their span counts and services may be missing below." />
      <table class="accounts">
        <thead>
          <tr>
            <th>account</th>
            <th>link</th>
            <th>sharing</th>
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
                <td>
                  <Sharing account={account} nowMs={nowMs} />
                </td>
                <td>{account.spanCount.toLocaleString()}</td>
                <td title={account.lastSeenMs === null ? undefined : formatInstant(account.lastSeenMs)}>{account.lastSeenMs === null ? '–' : formatAgo(account.lastSeenMs, Date.now())}</td>
                <td>{account.services.join(', ')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/** Federated (its agent keeps the spans; central reads them at query time) or piped into central's store. */
function Sharing({ account, nowMs }: { account: AccountJson; nowMs: number }) {
  const { federated } = account;
  if (federated === null) return <span data-sharing="piped">piped into central</span>;
  return (
    <span data-sharing="federated" title={`registered ${formatInstant(federated.registeredAtMs)}; last heartbeat ${formatInstant(federated.lastHeartbeatMs)}`}>
      federated (read at <span class="mono">{federated.readUrl}</span>, last heard {formatAgo(federated.lastHeartbeatMs, nowMs)})
    </span>
  );
}
