import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { TraceOutlineAnswerJson } from '@stitch/api';
import { PartialBanner } from '../components/partial-banner.tsx';
import { navigate } from '../router.ts';
import type { WaterfallMove } from './keyboard-moves.ts';
import { storedNameColumn, storeNameColumn } from './name-column.ts';
import { FlameGraph } from './flame-graph.tsx';
import { SpanDetails } from './span-details.tsx';
import { TraceFind } from './trace-find.tsx';
import { TraceHeader } from './trace-header.tsx';
import { findFolds, foldStateOf, insideFold, unfoldAround } from './sibling-folds.ts';
import { collapsibleSpans, expandAncestors, shownAncestorOf, visibleRows, withMember } from './visible-rows.ts';
import { Waterfall } from './waterfall.tsx';
import { buildWaterfall } from './waterfall-model.ts';
import './trace.css';

/** Puts the selected span in the URL (replacing, not pushing: a walk through spans is not history), keeping the rest of it. */
function selectInUrl(spanId: string): void {
  const params = new URLSearchParams(window.location.search);
  params.set('span', spanId);
  navigate(`${window.location.pathname}?${params}`, { replace: true });
}

/**
 * One loaded trace: header, waterfall and the selected span's details, and above them the accounts
 * that did not answer, when some did not. The selection lives in the URL (`?span=`).
 */
export function TraceView({ json, params }: { json: TraceOutlineAnswerJson; params: URLSearchParams }) {
  const trace = useMemo(() => buildWaterfall(json), [json]);
  const spanParam = params.get('span');
  const selected = spanParam === null ? null : (trace.indexById.get(spanParam) ?? null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(() => new Set());
  const folds = useMemo(() => findFolds(trace.spans), [trace]);
  const [unfolded, setUnfolded] = useState<ReadonlySet<number>>(() => new Set());
  const [matches, setMatches] = useState<ReadonlySet<number>>(() => new Set());
  const [view, setView] = useState<'waterfall' | 'flame'>('waterfall');
  const [detailsOpen, setDetailsOpen] = useState(true);
  const [nameColumn, setNameColumn] = useState(() => storedNameColumn(localStorage));
  const resizeNameColumn = (px: number | null, done: boolean) => {
    setNameColumn(px);
    if (done) storeNameColumn(localStorage, px);
  };
  const rows = useMemo(() => visibleRows(trace.spans, collapsed, { leaderOf: folds.leaderOf, unfolded }), [trace, collapsed, folds, unfolded]);

  // A span chosen from anywhere (row, summary, parent/children, keys) shows: its collapsed ancestors open.
  const select = useCallback(
    (index: number) => {
      setCollapsed((current) => expandAncestors(trace.spans, current, index));
      selectInUrl(trace.spans[index]!.spanId);
    },
    [trace],
  );
  // However it was chosen (a row, a key, the address), the selected span is not hidden in a fold.
  useEffect(() => {
    if (selected !== null) setUnfolded((current) => unfoldAround(trace.spans, folds, current, selected));
  }, [selected, folds]);
  const setFolded = (leader: number, fold: boolean) => {
    setUnfolded(withMember(unfolded, leader, !fold));
    // The selection never hides: a span inside the group, or below one of it, moves to the group's row.
    if (fold && selected !== null && insideFold(trace.spans, folds.leaderOf, leader, selected)) select(leader);
  };
  const foldOf = (index: number) => foldStateOf(folds, unfolded, index);
  const setSpanCollapsed = (index: number, collapse: boolean) => {
    const next = withMember(collapsed, index, collapse);
    setCollapsed(next);
    // The selection never hides: it moves up to the row that now stands for it.
    if (collapse && selected !== null) {
      const shown = shownAncestorOf(trace.spans, next, selected);
      if (shown !== selected) select(shown);
    }
  };
  const onMove = (move: WaterfallMove) => {
    if (move.kind === 'select') select(move.index);
    else if (move.kind === 'collapse') setSpanCollapsed(move.index, true);
    else if (move.kind === 'expand') setSpanCollapsed(move.index, false);
    else if (move.kind === 'unfold' || move.kind === 'fold') setFolded(move.index, move.kind === 'fold');
    else setDetailsOpen((open) => !open);
  };
  const expandAll = () => {
    setCollapsed(new Set());
    setUnfolded(new Set(folds.byLeader.keys()));
  };
  const openDetails = (index: number) => {
    select(index);
    setDetailsOpen(true);
  };
  const collapseAll = () => {
    const all = collapsibleSpans(trace.spans);
    setCollapsed(all);
    setUnfolded(new Set());
    if (selected !== null) {
      const shown = shownAncestorOf(trace.spans, all, selected);
      if (shown !== selected) select(shown);
    }
  };

  return (
    <div class="trace-view">
      <PartialBanner partial={json.partial} effect="Their spans are not in this trace." />
      <TraceHeader summary={json.summary} trace={trace} onSelect={openDetails} />
      <div class="trace-body">
        <section class="waterfall" aria-label="Waterfall" style={nameColumn === null ? undefined : `--tree-width:${nameColumn}px`}>
          <div class="waterfall-toolbar">
            <span class="view-switch" role="group" aria-label="View">
              <button class={view === 'waterfall' ? 'on' : ''} aria-pressed={view === 'waterfall'} onClick={() => setView('waterfall')}>
                Waterfall
              </button>
              <button class={view === 'flame' ? 'on' : ''} aria-pressed={view === 'flame'} onClick={() => setView('flame')}>
                Flame graph
              </button>
            </span>
            {view === 'waterfall' && (
              <>
                <button class="ghost" onClick={collapseAll}>
                  Collapse all
                </button>
                <button class="ghost" onClick={expandAll}>
                  Expand all
                </button>
              </>
            )}
            <TraceFind trace={trace} selected={selected} onMatches={(found) => setMatches(new Set(found))} onJump={select} />
            <span class="muted waterfall-legend">
              {view === 'waterfall' ? (
                <>
                  <span class="legend-bar" /> span (account colour) <span class="legend-critical" /> critical path <span class="legend-error">!</span> error · keys: ↑ ↓ ← → Home End, Enter for details
                </>
              ) : (
                <>
                  <span class="legend-critical" /> critical path <span class="legend-error">▀</span> error · wheel: zoom, drag: pan, double-click: zoom to a span
                </>
              )}
            </span>
          </div>
          {view === 'waterfall' ? (
            <Waterfall
              trace={trace}
              rows={rows}
              collapsed={collapsed}
              folds={folds}
              foldOf={foldOf}
              matches={matches}
              selected={selected}
              onSelect={openDetails}
              onToggle={(index) => setSpanCollapsed(index, !collapsed.has(index))}
              onToggleFold={(leader) => setFolded(leader, unfolded.has(leader))}
              onMove={onMove}
              onNameColumn={resizeNameColumn}
            />
          ) : (
            <FlameGraph trace={trace} selected={selected} matches={matches} onSelect={openDetails} />
          )}
        </section>
        {spanParam !== null && selected === null && <p class="span-details muted">Span {spanParam} is not in this trace.</p>}
        {selected !== null && detailsOpen && <SpanDetails trace={trace} index={selected} onSelect={select} onClose={() => setDetailsOpen(false)} />}
      </div>
    </div>
  );
}
