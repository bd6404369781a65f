import { useEffect, useState } from 'preact/hooks';
import type { AccountsJson } from '@stitch/api';
import { setKnownAccounts } from './known-accounts.ts';
import { apiGet, tokenStore, UNAUTHORIZED } from './api.ts';
import { TokenPrompt } from './components/token-prompt.tsx';
import { AccountsPage } from './pages/accounts-page.tsx';
import { CanariesPage } from './pages/canaries-page.tsx';
import { AlarmsPage } from './pages/alarms-page.tsx';
import { CostPage } from './pages/cost-page.tsx';
import { MapPage } from './pages/map-page.tsx';
import { MetricsPage } from './pages/metrics-page.tsx';
import { SlosPage } from './pages/slos-page.tsx';
import { PropagationPage } from './pages/propagation-page.tsx';
import { SamplingPage } from './pages/sampling-page.tsx';
import { SearchPage } from './pages/search-page.tsx';
import { LogsPage } from './pages/logs-page.tsx';
import { TracePage } from './pages/trace-page.tsx';
import { navigate, onLinkClick, useLocation, type Location } from './router.ts';
import { currentTheme, setTheme } from './theme.ts';

const NAV = [
  ['/map', 'Service map'],
  ['/search', 'Traces'],
  ['/logs', 'Logs'],
  ['/propagation', 'Propagation'],
  ['/accounts', 'Accounts'],
  ['/sampling', 'Sampling'],
  ['/canaries', 'Canaries'],
  ['/metrics', 'Metrics'],
  ['/slos', 'SLOs'],
  ['/alarms', 'Alarms'],
  ['/cost', 'Cost'],
] as const;

/** One pane of glass: a header with the pages, the page the URL names below it. */
export function App() {
  const location = useLocation();
  const [theme, setThemeState] = useState(currentTheme);
  const [needsToken, setNeedsToken] = useState(false);
  useEffect(() => {
    const ask = () => setNeedsToken(true);
    window.addEventListener(UNAUTHORIZED, ask);
    return () => window.removeEventListener(UNAUTHORIZED, ask);
  }, []);
  useEffect(() => {
    if (location.path === '/') navigate('/map', { replace: true });
  }, [location.path]);
  // Accounts' colours (by their links' order) and names, once per visit; drawn again when known.
  const [, setPaletteLoaded] = useState(false);
  useEffect(() => {
    apiGet<AccountsJson>('/api/accounts').then(
      ({ accounts }) => (setKnownAccounts(accounts), setPaletteLoaded(true)),
      () => {},
    );
  }, []);
  const section = '/' + (location.path.split('/')[1] ?? '');
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href="/map" onClick={(e) => onLinkClick(e, '/map')}>
          Stitch
        </a>
        <nav>
          {NAV.map(([path, label]) => (
            <a key={path} href={path} class={section === path || (path === '/search' && section === '/trace') ? 'active' : ''} onClick={(e) => onLinkClick(e, path)}>
              {label}
            </a>
          ))}
        </nav>
        <button
          class="ghost"
          title="Switch between light and dark"
          onClick={() => {
            const next = theme === 'dark' ? 'light' : 'dark';
            setTheme(next);
            setThemeState(next);
          }}
        >
          {theme === 'dark' ? 'Light' : 'Dark'} theme
        </button>
      </header>
      <main class="page">
        {needsToken ? (
          <TokenPrompt
            onToken={(token) => {
              tokenStore.set(token);
              setNeedsToken(false);
              window.location.reload();
            }}
          />
        ) : (
          <Page location={location} />
        )}
      </main>
    </div>
  );
}

function Page({ location }: { location: Location }) {
  const [, section, rest] = location.path.split('/');
  switch (section) {
    case 'map':
      return <MapPage params={location.params} />;
    case 'search':
      return <SearchPage params={location.params} />;
    case 'trace':
      return <TracePage traceId={decodeURIComponent(rest ?? '')} params={location.params} />;
    case 'logs':
      return <LogsPage params={location.params} />;
    case 'propagation':
      return <PropagationPage params={location.params} />;
    case 'accounts':
      return <AccountsPage />;
    case 'sampling':
      return <SamplingPage />;
    case 'canaries':
      return <CanariesPage params={location.params} />;
    case 'metrics':
      return <MetricsPage params={location.params} />;
    case 'slos':
      return <SlosPage params={location.params} />;
    case 'alarms':
      return <AlarmsPage params={location.params} />;
    case 'cost':
      return <CostPage params={location.params} />;
    default:
      return <p class="empty">Nothing here. Try the service map.</p>;
  }
}
