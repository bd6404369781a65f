import { AsyncLocalStorage } from 'node:async_hooks';
import { StoreError } from './store-error.ts';

/**
 * The time one read request may take. Central runs each read route within a budget; every store
 * query started inside it (however deep in the route) finds it with `currentReadBudget` and is
 * cancelled in the store when it runs out: DuckDB interrupts the query, ClickHouse kills it, the
 * in-memory store stops its scan. Ingest and the derived figures run outside any budget.
 */
export class ReadBudget {
  private readonly controller = new AbortController();
  private readonly deadline: number;
  private readonly timer: NodeJS.Timeout;
  private ended = false;

  constructor(readonly ms: number) {
    this.deadline = performance.now() + ms;
    this.timer = setTimeout(() => this.controller.abort(), ms);
  }

  /** Aborts when the budget runs out: a store listens to cancel the query it is running. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - performance.now());
  }

  /** Never once the request has ended: work it started and left running is not cut short afterwards. */
  expired(): boolean {
    return !this.ended && (this.signal.aborted || this.remainingMs() === 0);
  }

  /** Throws the refusal once the budget is spent: before a query starts, and in loops no timer can interrupt. */
  check(): void {
    if (this.expired()) throw this.exceeded();
  }

  exceeded(cause?: unknown): QueryBudgetExceeded {
    return new QueryBudgetExceeded(this.ms, cause);
  }

  /** Stops the timer (the request has finished). */
  end(): void {
    this.ended = true;
    clearTimeout(this.timer);
  }
}

/**
 * A query cancelled because its request's budget ran out. A StoreError, so every store's error
 * translation passes it through; central answers it with 422, not the 503 of a failing store.
 */
export class QueryBudgetExceeded extends StoreError {
  constructor(
    readonly budgetMs: number,
    cause?: unknown,
  ) {
    super(`query: took longer than the ${budgetText(budgetMs)} budget; narrow the window or the filter`, { cause });
    this.name = 'QueryBudgetExceeded';
  }
}

function budgetText(ms: number): string {
  return ms >= 1000 && ms % 100 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

const current = new AsyncLocalStorage<ReadBudget>();

/** Runs `work` (the whole of one read request) within a budget of `ms`. */
export async function withinReadBudget<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const budget = new ReadBudget(ms);
  try {
    return await current.run(budget, work);
  } finally {
    budget.end();
  }
}

/** Runs `work` outside any budget: background work a read request may trigger (the derived figures' flush) must not be cancelled with it. */
export function outsideReadBudget<T>(work: () => T): T {
  return current.exit(work);
}

/** The budget of the read request this code runs for; undefined outside one (ingest, background work). */
export function currentReadBudget(): ReadBudget | undefined {
  return current.getStore();
}
