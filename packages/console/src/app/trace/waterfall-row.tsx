import type { ComponentChildren } from 'preact';
import { accountNameWithId } from '@stitch/model';
import { accountColor } from '../account-colors.ts';
import type { SiblingFold } from './sibling-folds.ts';
import { formatCount, formatNanos } from './span-facts.ts';
import { barGeometry, criticalOverlays } from './waterfall-geometry.ts';
import type { WaterfallSpan } from './waterfall-model.ts';

/** Deeper than this, rows stop moving right: a 200-deep chain would push its names out of the column. */
const MAX_INDENT_DEPTH = 24;
const INDENT_PX = 12;
/** A span holding at least this share of the critical path is where the time went: its row stands out. */
export const HOT_CRITICAL_SHARE = 0.1;

export interface WaterfallRowProps {
  span: WaterfallSpan;
  top: number;
  traceNanos: number;
  criticalPathNanos: number;
  selected: boolean;
  collapsed: boolean;
  /** A find in the trace matched it. */
  matched: boolean;
  /** The first or last of a run of rows from one account: the band's ends are drawn there. */
  bandStart: boolean;
  bandEnd: boolean;
  /** The span leads repeated siblings: folded, its row stands for them all. */
  fold: { group: SiblingFold; folded: boolean } | null;
}

/**
 * One span: tree, names and account on the left, its bar on the trace's time scale on the right.
 * No handlers of its own: the waterfall listens once for every row (clicks find `data-index`).
 */
export function WaterfallRow(props: WaterfallRowProps) {
  if (props.fold?.folded) return <FoldedRow {...props} group={props.fold.group} />;
  const { span, top, traceNanos, criticalPathNanos, selected, collapsed, matched, bandStart, bandEnd, fold } = props;
  const bar = barGeometry(span.startOffsetNanos, span.durationNanos, traceNanos);
  const hasChildren = span.childIndexes.length > 0;
  const hot = criticalPathNanos > 0 && span.criticalNanos / criticalPathNanos >= HOT_CRITICAL_SHARE;
  const classes = ['wf-row', span.error && 'is-error', span.hidden && 'is-hidden', hot && 'hot', matched && 'is-match', bandStart && 'band-start', bandEnd && 'band-end'].filter(Boolean).join(' ');
  const labelStyle =
    bar.label === 'after'
      ? `left:calc(${bar.leftPercent + bar.widthPercent}% + 5px)`
      : bar.label === 'before'
        ? `right:calc(${100 - bar.leftPercent}% + 5px)`
        : `right:calc(${100 - bar.leftPercent - bar.widthPercent}% + 5px)`;
  return (
    <RowFrame
      span={span}
      top={top}
      selected={selected}
      bandStart={bandStart}
      classes={classes}
      attributes={{ 'data-critical': span.critical ? 'true' : 'false', 'aria-expanded': hasChildren ? (collapsed ? 'false' : 'true') : undefined }}
      marks={
        <>
          {hasChildren ? (
            <span class="wf-caret" data-toggle="true" title={collapsed ? 'Expand' : 'Collapse'}>
              {collapsed ? '▸' : '▾'}
            </span>
          ) : (
            <span class="wf-caret-space" />
          )}
          {hasChildren && (
            <span class="wf-child-count" title={`${span.childIndexes.length} children, ${span.subtreeEnd - span.index - 1} spans below`}>
              {span.childIndexes.length}
            </span>
          )}
          {fold && (
            <span class="wf-fold-count" data-toggle="fold" title={`Fold the ${formatCount(fold.group.members.length)} ${span.name} back into one row`}>
              × {formatCount(fold.group.members.length)} ▴
            </span>
          )}
          {span.error && (
            <span class="wf-error-mark" title="error">
              !
            </span>
          )}
        </>
      }
    >
      <span class="wf-lane">
        <span class="wf-bar" style={`left:${bar.leftPercent}%;width:${bar.widthPercent}%`}>
          {criticalOverlays(span.criticalRanges, span.startOffsetNanos, span.durationNanos, traceNanos).map((part) => (
            <span key={part.leftPercent} class="wf-critical" style={`left:${part.leftPercent}%;width:${part.widthPercent}%`} />
          ))}
        </span>
        <span class={bar.label === 'inside' ? 'wf-duration inside' : 'wf-duration'} style={labelStyle}>
          {formatNanos(span.durationNanos)}
        </span>
      </span>
    </RowFrame>
  );
}

/** Repeated siblings as one row: how many, over what stretch of the trace, how long they took, how many failed. */
function FoldedRow({ span, top, traceNanos, selected, bandStart, bandEnd, group }: WaterfallRowProps & { group: SiblingFold }) {
  const bar = barGeometry(group.startOffsetNanos, group.endOffsetNanos - group.startOffsetNanos, traceNanos);
  const count = formatCount(group.members.length);
  const summary = `p50 ${formatNanos(group.p50Nanos)}, p99 ${formatNanos(group.p99Nanos)}${group.errors > 0 ? `, ${formatCount(group.errors)} ${group.errors === 1 ? 'error' : 'errors'}` : ''}`;
  // The summary is long: after the bar when it ends early, before it when it starts late, else over it.
  const end = bar.leftPercent + bar.widthPercent;
  const place = end < 60 ? 'after' : bar.leftPercent > 40 ? 'before' : 'inside';
  const summaryStyle = place === 'after' ? `left:calc(${end}% + 5px)` : place === 'before' ? `right:calc(${100 - bar.leftPercent}% + 5px)` : `left:calc(${bar.leftPercent}% + 5px)`;
  const classes = ['wf-row', 'wf-folded', group.errors > 0 && 'is-error', bandStart && 'band-start', bandEnd && 'band-end'].filter(Boolean).join(' ');
  return (
    <RowFrame
      span={span}
      top={top}
      selected={selected}
      bandStart={bandStart}
      classes={classes}
      attributes={{ 'data-fold': group.members.length, 'aria-expanded': 'false' }}
      marks={
        <>
          <span class="wf-caret" data-toggle="fold" title={`Show all ${count}`}>
            ▸
          </span>
          <span class="wf-fold-count" data-toggle="fold" title={`${count} calls of ${span.serviceName} › ${span.name} under one parent: show them all`}>
            × {count}
          </span>
          {group.errors > 0 && (
            <span class="wf-error-mark" title={`${formatCount(group.errors)} failed`}>
              !
            </span>
          )}
        </>
      }
    >
      <span class="wf-lane">
        <span class="wf-bar wf-fold-bar" style={`left:${bar.leftPercent}%;width:${bar.widthPercent}%`} />
        <span class={place === 'inside' ? 'wf-duration wf-fold-summary inside' : 'wf-duration wf-fold-summary'} style={summaryStyle}>
          {summary}
        </span>
      </span>
    </RowFrame>
  );
}

interface RowFrameProps {
  span: WaterfallSpan;
  top: number;
  selected: boolean;
  bandStart: boolean;
  classes: string;
  /** The row's own data and ARIA attributes. */
  attributes: Record<string, string | number | undefined>;
  /** Before the names: caret, counts, error mark. */
  marks: ComponentChildren;
  /** The lane: bars and labels on the time scale. */
  children: ComponentChildren;
}

/** What every row is: its place, account band and colour, the tree column with the service, name and account, then the lane. */
function RowFrame({ span, top, selected, bandStart, classes, attributes, marks, children }: RowFrameProps) {
  return (
    <div
      class={classes}
      role="treeitem"
      id={`wf-row-${span.index}`}
      data-index={span.index}
      data-span-id={span.spanId}
      aria-selected={selected ? 'true' : 'false'}
      aria-level={span.depth + 1}
      {...attributes}
      style={`top:${top}px;--row-account:${accountColor(span.accountId)}`}
    >
      <span class="wf-band" title={`account ${accountNameWithId({ id: span.accountId, label: span.accountLabel })}`} />
      <span class="wf-tree" style={`padding-left:${Math.min(span.depth, MAX_INDENT_DEPTH) * INDENT_PX + 4}px`}>
        {marks}
        <span class="wf-service">{span.serviceName}</span>
        <span class="wf-name">{span.name}</span>
        {bandStart && <span class="wf-account">{span.accountLabel}</span>}
      </span>
      {children}
    </div>
  );
}
