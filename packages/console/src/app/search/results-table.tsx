import { useState } from 'preact/hooks';
import { formatDuration } from '@stitch/graph';
import { accountName, accountNameWithId, formatAgo, formatInstant, isArriving, listedText, orderTraceList, type TraceListOrder } from '@stitch/model';
import type { TraceSummaryJson } from '@stitch/api';
import { accountColor } from '../account-colors.ts';
import { accountLabelOf } from '../known-accounts.ts';
import { onLinkClick, urlOf } from '../router.ts';
import { TraceStatus } from '../components/trace-status.tsx';
import { formatCount } from '../trace/span-facts.ts';

/** Chips a row shows before "+N": the rest are named in its tooltip. */
const SERVICES_SHOWN = 2;
const ACCOUNTS_SHOWN = 2;

/**
 * The matching traces, a line each: root, when, how long (a bar on a scale shared by the list),
 * how big, what the caller saw, where it went. Newest first, or by duration; traces still
 * arriving (no root yet) are marked and listed after the rest.
 */
export function ResultsTable({ traces, matched, nowMs = Date.now() }: { traces: TraceSummaryJson[]; matched: number; nowMs?: number }) {
  const [order, setOrder] = useState<TraceListOrder>('newest');
  if (traces.length === 0) return <p class="empty">No trace matches. Widen the time range or loosen the filter.</p>;
  const listed = orderTraceList(traces, order);
  const longestMs = Math.max(...traces.map((trace) => trace.durationMs), 0.001);
  const sortable = (label: string, first: TraceListOrder, second: TraceListOrder, title: string) => {
    const active = order === first || order === second;
    return (
      <th class="sortable" aria-sort={active ? (order === first ? 'descending' : 'ascending') : 'none'} title={title}>
        <button class="link-button" onClick={() => setOrder(order === first ? second : first)}>
          {label}
          {active && <span aria-hidden="true">{order === first ? ' ▾' : ' ▴'}</span>}
        </button>
      </th>
    );
  };
  return (
    <>
      <p class="muted results-count" data-listed={traces.length} data-matched={matched}>
        {listedText(traces.length, matched)}
        {matched > traces.length && ' · narrow the filter or the time range to see the rest'}
      </p>
      <table class="results">
        <colgroup>
          <col class="col-root" />
          <col class="col-started" />
          <col class="col-duration" />
          <col class="col-spans" />
          <col class="col-status" />
          <col class="col-services" />
          <col class="col-accounts" />
        </colgroup>
        <thead>
          <tr>
            <th>root</th>
            {sortable('started', 'newest', 'oldest', 'Newest or oldest first')}
            {sortable('duration', 'slowest', 'fastest', 'Slowest or fastest first')}
            <th class="numeric">spans</th>
            <th title="What the trace's caller saw (its root span), and the spans that erred inside">status</th>
            <th>services</th>
            <th>accounts</th>
          </tr>
        </thead>
        <tbody>
          {listed.map((trace) => {
            const url = urlOf(`/trace/${trace.traceId}`, {});
            const startedMs = Number(BigInt(trace.startTimeUnixNano) / 1_000_000n);
            const arriving = isArriving(trace);
            const accounts = trace.accounts.map((id) => ({ id, label: accountLabelOf(id) }));
            return (
              <tr key={trace.traceId} class={arriving ? 'clickable arriving' : 'clickable'} data-trace-id={trace.traceId} data-arriving={arriving || undefined} onClick={(event) => onLinkClick(event, url)}>
                <td class="root" title={`${trace.rootServiceName} › ${trace.rootSpanName}\ntrace ${trace.traceId}`}>
                  <a href={url} onClick={(event) => onLinkClick(event, url)}>
                    {trace.rootServiceName} › {trace.rootSpanName}
                  </a>{' '}
                  {arriving ? <span class="muted">· still arriving, no root yet</span> : <span class="muted mono">…{trace.traceId.slice(-8)}</span>}
                </td>
                <td title={formatInstant(startedMs)}>{formatAgo(startedMs, nowMs)}</td>
                <td class="duration">
                  <span class="duration-bar" style={{ width: `${Math.max(2, (trace.durationMs / longestMs) * 100)}%` }} />
                  <span class="duration-text">{formatDuration(BigInt(trace.durationNanos))}</span>
                </td>
                <td class="numeric">{formatCount(trace.spanCount)}</td>
                <td>
                  <TraceStatus summary={trace} />
                </td>
                <td title={trace.services.join(', ')}>
                  <Chips names={trace.services} shown={SERVICES_SHOWN} />
                </td>
                <td title={accounts.map(accountNameWithId).join(', ')}>
                  {accounts.slice(0, ACCOUNTS_SHOWN).map((account) => (
                    <span key={account.id} class="chip">
                      <span class="account-dot" style={{ background: accountColor(account.id) }} />
                      {accountName(account)}
                    </span>
                  ))}
                  {accounts.length > ACCOUNTS_SHOWN && <span class="chip more">+{accounts.length - ACCOUNTS_SHOWN}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function Chips({ names, shown }: { names: readonly string[]; shown: number }) {
  return (
    <>
      {names.slice(0, shown).map((name) => (
        <span key={name} class="chip">
          {name}
        </span>
      ))}
      {names.length > shown && <span class="chip more">+{names.length - shown}</span>}
    </>
  );
}
