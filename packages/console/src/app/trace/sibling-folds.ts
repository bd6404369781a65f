import type { WaterfallSpan } from './waterfall-model.ts';

/** A parent's children with one service and name, this many or more, are shown as one row until unfolded. */
export const FOLD_AT = 20;

/** Repeated siblings shown as one row: "× 3,200 GET /item, p50 2 ms, p99 40 ms, 1 error". */
export interface SiblingFold {
  /** The first of them in tree order: the row that stands for all. */
  leader: number;
  /** Every one of them, the leader first, in tree order. */
  members: number[];
  startOffsetNanos: number;
  endOffsetNanos: number;
  p50Nanos: number;
  p99Nanos: number;
  errors: number;
}

export type FoldableSpan = Pick<WaterfallSpan, 'childIndexes' | 'serviceName' | 'accountId' | 'name' | 'startOffsetNanos' | 'durationNanos' | 'error'>;

export interface SiblingFolds {
  byLeader: ReadonlyMap<number, SiblingFold>;
  /** Each span's fold leader; -1 for a span in none. */
  leaderOf: Int32Array;
}

/** The trace's repeated siblings (roots are never folded). O(spans + the folded ones' sort). */
export function findFolds(spans: readonly FoldableSpan[]): SiblingFolds {
  const byLeader = new Map<number, SiblingFold>();
  const leaderOf = new Int32Array(spans.length).fill(-1);
  for (const parent of spans) {
    if (parent.childIndexes.length < FOLD_AT) continue;
    // By name first (no key to build per child), then split by service and account.
    const byName = new Map<string, number[]>();
    for (const child of parent.childIndexes) {
      const name = spans[child]!.name;
      const group = byName.get(name);
      if (group) group.push(child);
      else byName.set(name, [child]);
    }
    for (const named of byName.values()) {
      if (named.length < FOLD_AT) continue;
      for (const members of splitByService(spans, named)) {
        if (members.length < FOLD_AT) continue;
        const fold = foldOf(spans, members);
        byLeader.set(fold.leader, fold);
        for (const member of members) leaderOf[member] = fold.leader;
      }
    }
  }
  return { byLeader, leaderOf };
}

/** The spans of one name split by service and account: usually one group, so a key is built only when they differ. */
function splitByService(spans: readonly FoldableSpan[], named: number[]): number[][] {
  const first = spans[named[0]!]!;
  if (named.every((index) => spans[index]!.serviceName === first.serviceName && spans[index]!.accountId === first.accountId)) return [named];
  const groups = new Map<string, number[]>();
  for (const index of named) {
    const key = `${spans[index]!.accountId}\u0000${spans[index]!.serviceName}`;
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  }
  return [...groups.values()];
}

function foldOf(spans: readonly FoldableSpan[], members: number[]): SiblingFold {
  const durations = new Float64Array(members.length);
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  let errors = 0;
  members.forEach((member, i) => {
    const span = spans[member]!;
    durations[i] = span.durationNanos;
    start = Math.min(start, span.startOffsetNanos);
    end = Math.max(end, span.startOffsetNanos + span.durationNanos);
    if (span.error) errors++;
  });
  durations.sort();
  // Nearest rank.
  const at = (share: number) => durations[Math.min(durations.length - 1, Math.ceil(share * durations.length) - 1)]!;
  return { leader: members[0]!, members, startOffsetNanos: start, endOffsetNanos: end, p50Nanos: at(0.5), p99Nanos: at(0.99), errors };
}

/** The unfolded set with the folds that hide `index` or an ancestor of it opened; the same set when none does. */
export function unfoldAround(spans: readonly Pick<WaterfallSpan, 'parentIndex'>[], folds: SiblingFolds, unfolded: ReadonlySet<number>, index: number): ReadonlySet<number> {
  let opened: Set<number> | null = null;
  for (let at = index; at >= 0; at = spans[at]!.parentIndex) {
    const leader = folds.leaderOf[at]!;
    // The leader's own row shows while folded: only the others are hidden.
    if (leader < 0 || leader === at || unfolded.has(leader)) continue;
    opened ??= new Set(unfolded);
    opened.add(leader);
  }
  return opened ?? unfolded;
}

/** Whether `index` is a member of `leader`'s group, or below one. */
export function insideFold(spans: readonly Pick<WaterfallSpan, 'parentIndex'>[], leaderOf: Int32Array, leader: number, index: number): boolean {
  for (let at = index; at >= 0; at = spans[at]!.parentIndex) if (leaderOf[at] === leader) return true;
  return false;
}

/** Whether `index` leads a group of repeated siblings, folded (its row stands for them) or not; null for any other span. */
export function foldStateOf(folds: SiblingFolds, unfolded: ReadonlySet<number>, index: number): 'folded' | 'unfolded' | null {
  return folds.leaderOf[index] !== index ? null : unfolded.has(index) ? 'unfolded' : 'folded';
}
