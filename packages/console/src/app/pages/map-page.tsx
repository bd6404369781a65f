import { formatInstant } from '@stitch/model';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ServiceMapJson, TracesLink } from '@stitch/api';
import { PartialBanner } from '../components/partial-banner.tsx';
import { navigate, urlOf } from '../router.ts';
import { MapCanvas } from '../service-map/map-canvas.tsx';
import { accountOptions, MapToolbar } from '../service-map/map-toolbar.tsx';
import { timeWindowOf } from '../time-window.ts';
import { PropagationStrip } from '../service-map/propagation-strip.tsx';
import { useApi } from '../use-api.ts';
import '../service-map/service-map.css';

/** A map of a window up to now is loaded again this often, unless paused (or the tab is hidden). */
export const AUTO_REFRESH_MS = 30_000;

/**
 * The service map over a time window (`range` back from now, or `start`/`end`), all accounts
 * or one (`account`): every service and inferred peer, how they call each other, and how each
 * is doing. A node or an edge opens its traces.
 */
export function MapPage({ params }: { params: URLSearchParams }) {
  const query = params.toString();
  // "Now" is fixed per URL (and per refresh), so re-rendering does not refetch.
  const [refreshes, setRefreshes] = useState(0);
  const timeWindow = useMemo(() => timeWindowOf(params, Date.now(), '15m'), [query, refreshes]);
  const account = params.get('account') ?? '';
  const loaded = useApi<ServiceMapJson>('/api/service-map', { start: timeWindow.start, end: timeWindow.end, account });
  // Only a window that ends now moves; a fixed start and end shows the same map every time.
  const [paused, setPaused] = useState(false);
  const live = timeWindow.range !== null && !paused;
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => {
      if (!document.hidden) setRefreshes((count) => count + 1);
    }, AUTO_REFRESH_MS);
    return () => clearInterval(timer);
  }, [live, query]);

  // While a new window loads, the last map stays up (dimmed) rather than blinking away.
  const lastMap = useRef<ServiceMapJson | null>(null);
  if (loaded.state === 'loaded') lastMap.current = loaded.value;
  const map = loaded.state === 'failed' ? null : lastMap.current;

  const change = (changes: Record<string, string | null>) => navigate(urlOf('/map', { ...Object.fromEntries(params), ...changes }));
  const openTraces = (traces: TracesLink) => navigate(urlOf('/search', { q: traces.q, account: traces.account, start: traces.start, end: traces.end }));
  const accounts = useMemo(() => (map ? accountOptions(map.nodes) : []), [map]);

  return (
    <div class={`map-page${loaded.state === 'loading' && map ? ' refreshing' : ''}`}>
      <MapToolbar
        window={timeWindow}
        account={account}
        accounts={accounts}
        loading={loaded.state === 'loading'}
        summary={map ? summarize(map) : null}
        onRange={(range) => change({ range, start: null, end: null })}
        onAccount={(value) => change({ account: value || null })}
        onRefresh={() => setRefreshes((count) => count + 1)}
        autoRefresh={timeWindow.range === null ? 'fixed' : paused ? 'paused' : 'on'}
        onPause={(pause) => setPaused(pause)}
      />
      {loaded.state === 'failed' ? (
        <p class="error">Could not load the service map: {loaded.error.message}</p>
      ) : map === null ? (
        <p class="empty">Loading the service map…</p>
      ) : (
        <>
          <PartialBanner partial={map.partial} effect="What only they saw is missing from the map." />
          <PropagationStrip findings={map.propagation} scope={{ start: timeWindow.start, end: timeWindow.end, account }} />
          {map.nodes.length === 0 ? (
            <p class="empty map-empty">No traffic in this window. Pick a longer range, or check that agents are sending spans.</p>
          ) : (
            <MapCanvas map={map} onOpenNode={(node) => openTraces(node.traces)} onOpenEdge={(edge) => openTraces(edge.traces)} />
          )}
        </>
      )}
    </div>
  );
}

function summarize(map: ServiceMapJson): string {
  const services = map.nodes.filter((node) => node.inferred === null).length;
  const peers = map.nodes.length - services;
  const time = (ms: number) => formatInstant(ms);
  return `${services} services, ${peers} inferred peers, ${map.edges.length} edges · ${time(map.startMs)} – ${time(map.endMs)}`;
}
