/** Something that ran from one time to another. */
export interface Interval {
  startNanos: bigint;
  endNanos: bigint;
}

interface Node<T extends Interval> {
  item: T;
  /** Tells apart items that started at the same nanosecond. */
  seq: number;
  left: Node<T> | null;
  right: Node<T> | null;
  height: number;
  /** The latest end in this subtree: a subtree ending too early is not read. */
  maxEnd: bigint;
  /** The earliest start in this subtree: one starting too late is not read either. */
  minStart: bigint;
}

/**
 * Intervals ordered by start in a balanced search tree (AVL), each subtree knowing its latest end
 * and earliest start, so "one that began by t1 and lasted to t2" reads about log2(n) nodes
 * however many are held. Adding and removing cost the same.
 */
export class IntervalTree<T extends Interval> {
  private root: Node<T> | null = null;
  /** Nodes read by lookups so far (tests hold it flat). */
  nodesRead = 0;

  add(item: T, seq: number): void {
    this.root = insert(this.root, { item, seq, left: null, right: null, height: 1, maxEnd: item.endNanos, minStart: item.startNanos });
  }

  /** Removes the item added with `seq`. */
  remove(item: T, seq: number): void {
    this.root = remove(this.root, item.startNanos, seq);
  }

  /** The latest-starting item that started at or before `fromNanos`, ended at or after `toNanos` and passes `accept`. */
  findContaining(fromNanos: bigint, toNanos: bigint, accept: (item: T) => boolean): T | null {
    return this.find(this.root, fromNanos, toNanos, accept);
  }

  private find(node: Node<T> | null, fromNanos: bigint, toNanos: bigint, accept: (item: T) => boolean): T | null {
    if (!node) return null;
    this.nodesRead++;
    if (node.maxEnd < toNanos || node.minStart > fromNanos) return null;
    if (node.item.startNanos > fromNanos) return this.find(node.left, fromNanos, toNanos, accept);
    // The latest start first: the nearer a request began to the call, the likelier it outlasts it.
    const right = this.find(node.right, fromNanos, toNanos, accept);
    if (right) return right;
    if (node.item.endNanos >= toNanos && accept(node.item)) return node.item;
    return this.find(node.left, fromNanos, toNanos, accept);
  }
}

const before = <T extends Interval>(startNanos: bigint, seq: number, node: Node<T>) => startNanos < node.item.startNanos || (startNanos === node.item.startNanos && seq < node.seq);
const heightOf = <T extends Interval>(node: Node<T> | null) => node?.height ?? 0;

function insert<T extends Interval>(node: Node<T> | null, added: Node<T>): Node<T> {
  if (!node) return added;
  if (before(added.item.startNanos, added.seq, node)) node.left = insert(node.left, added);
  else node.right = insert(node.right, added);
  return rebalance(node);
}

function remove<T extends Interval>(node: Node<T> | null, startNanos: bigint, seq: number): Node<T> | null {
  if (!node) return null;
  if (node.seq === seq && node.item.startNanos === startNanos) {
    if (!node.left) return node.right;
    if (!node.right) return node.left;
    const [next, right] = takeFirst(node.right);
    next.left = node.left;
    next.right = right;
    return rebalance(next);
  }
  if (before(startNanos, seq, node)) node.left = remove(node.left, startNanos, seq);
  else node.right = remove(node.right, startNanos, seq);
  return rebalance(node);
}

/** The subtree's first node, and the subtree without it. */
function takeFirst<T extends Interval>(node: Node<T>): [Node<T>, Node<T> | null] {
  if (!node.left) return [node, node.right];
  const [first, left] = takeFirst(node.left);
  node.left = left;
  return [first, rebalance(node)];
}

function rebalance<T extends Interval>(node: Node<T>): Node<T> {
  update(node);
  const balance = heightOf(node.left) - heightOf(node.right);
  if (balance > 1) {
    if (heightOf(node.left!.left) < heightOf(node.left!.right)) node.left = lift(node.left!, 'right');
    return lift(node, 'left');
  }
  if (balance < -1) {
    if (heightOf(node.right!.right) < heightOf(node.right!.left)) node.right = lift(node.right!, 'left');
    return lift(node, 'right');
  }
  return node;
}

function update<T extends Interval>(node: Node<T>): void {
  let maxEnd = node.item.endNanos;
  if (node.left && node.left.maxEnd > maxEnd) maxEnd = node.left.maxEnd;
  if (node.right && node.right.maxEnd > maxEnd) maxEnd = node.right.maxEnd;
  node.maxEnd = maxEnd;
  node.minStart = node.left ? node.left.minStart : node.item.startNanos;
  node.height = 1 + Math.max(heightOf(node.left), heightOf(node.right));
}

/** Lifts the node's child on `side` above it (a rotation toward the other side). */
function lift<T extends Interval>(node: Node<T>, side: 'left' | 'right'): Node<T> {
  const other = side === 'left' ? 'right' : 'left';
  const top = node[side]!;
  node[side] = top[other];
  top[other] = node;
  update(node);
  update(top);
  return top;
}
