import type { ApiFailure } from '../api.ts';
import type { FilterProblem } from './read-query.ts';

/** Central's 400 about `q` (`q: column 12: …`), as the filter box shows a problem: under the column at fault. Null for any other failure. */
export function serverProblemOf(failure: Pick<ApiFailure, 'status' | 'message' | 'column'> | null): FilterProblem | null {
  if (failure === null || failure.status !== 400 || !failure.message.startsWith('q: ')) return null;
  return { message: failure.message.replace(/^q: (column \d+: )?/, ''), column: failure.column };
}
