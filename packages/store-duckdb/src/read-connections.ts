import { listValue, type DuckDBConnection, type DuckDBResultReader } from '@duckdb/node-api';
import { currentReadBudget, type ReadBudget } from '@stitch/store';
import type { SqlParam } from './sql-params.ts';

/**
 * The connections reads run on, apart from the write lanes. A DuckDB connection runs one query at
 * a time, and the binding runs each on a thread of libuv's pool (4 threads): reads queued on one
 * connection would hold those threads while they wait, and a write's COMMIT would wait behind
 * them. So at most `connections.length` reads run at once and the rest wait here, in JavaScript.
 * A read within a request's budget (read-budget.ts) is interrupted in DuckDB when the budget runs
 * out, and gives up waiting for a connection likewise.
 */
export class ReadConnections {
  private readonly idle: DuckDBConnection[];
  private readonly waiting: Array<(connection: DuckDBConnection) => void> = [];

  constructor(private readonly connections: readonly DuckDBConnection[]) {
    this.idle = [...connections];
  }

  async run(sql: string, params: readonly SqlParam[]): Promise<DuckDBResultReader> {
    const budget = currentReadBudget();
    budget?.check();
    const connection = await this.take(budget);
    let interrupted = false;
    const interrupt = () => {
      interrupted = true;
      connection.interrupt();
    };
    budget?.signal.addEventListener('abort', interrupt, { once: true });
    try {
      const result = await connection.runAndReadAll(sql, params.map((param) => (Array.isArray(param) ? listValue(param) : param)));
      // An interrupt that lands while the rows are being fetched can end the fetch early
      // without an error: a result after an interrupt may be cut short, so it is never used.
      if (interrupted) throw budget!.exceeded();
      return result;
    } catch (error) {
      if (budget?.expired()) throw budget.exceeded(error);
      throw error;
    } finally {
      budget?.signal.removeEventListener('abort', interrupt);
      this.release(connection);
    }
  }

  /** Closes the connections once every read has returned its own. */
  async close(): Promise<void> {
    const all = await Promise.all(this.connections.map(() => this.take(undefined)));
    for (const connection of all) connection.closeSync();
  }

  private take(budget: ReadBudget | undefined): Promise<DuckDBConnection> {
    const connection = this.idle.pop();
    if (connection) return Promise.resolve(connection);
    return new Promise((resolve, reject) => {
      const handOver = (next: DuckDBConnection) => {
        budget?.signal.removeEventListener('abort', giveUp);
        resolve(next);
      };
      const giveUp = () => {
        this.waiting.splice(this.waiting.indexOf(handOver), 1);
        reject(budget!.exceeded());
      };
      budget?.signal.addEventListener('abort', giveUp, { once: true });
      this.waiting.push(handOver);
    });
  }

  private release(connection: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }
}
