import { appendDurably, readState, removeLeftoverTemporaries, writeFileAtomically } from './audited-state-file.ts';

/** What a change made: its audit line (the time is added; null: nothing changed, nothing written) and what the caller gets back. */
export interface Applied<R> {
  audited: object | null;
  result: R;
}

/**
 * A registry's state (links, sampling rules, SLOs, alarms, prices, canaries), kept in memory and
 * in `file` with every change appended to `<file>.audit.jsonl`. Changes run one at a time, in the
 * order asked: each edits a copy of the state, the copy is written (unique temporary file, fsync,
 * rename) with its audit line (fsync'd before the rename), and only then becomes the state. A
 * change that is refused (its `apply` throws) or cannot be written leaves the state as it was, in
 * memory and on disk, and its caller gets the error. A crash between the audit line and the
 * rename leaves a line for a change not made, never a change without its line.
 */
export class AuditedState<T> {
  /** Settles when every change asked for so far has (each never rejects, so one failure does not stop the next). */
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string | null,
    private current: T,
    readonly now: () => number,
  ) {}

  /** The state in `file` (or `initial`), passed through `upgrade` (a file saved by an older version gets newer fields). */
  static async open<T>(file: string | null, initial: T, now: () => number = Date.now, upgrade: (saved: T) => T = (saved) => saved): Promise<AuditedState<T>> {
    if (file) await removeLeftoverTemporaries(file);
    return new AuditedState(file, upgrade(await readState(file, initial)), now);
  }

  /** The state as of the last completed change. Read it; change it only through `change`. */
  get state(): Readonly<T> {
    return this.current;
  }

  /** Applies `apply` to a copy of the state after the changes before it, writes and audits it, then keeps it (see the class). */
  change<R>(apply: (draft: T, at: string) => Applied<R>): Promise<R> {
    return this.enqueue(async () => {
      const at = new Date(this.now()).toISOString();
      const draft = structuredClone(this.current);
      const { audited, result } = apply(draft, at);
      if (audited === null) return result;
      if (this.file) await this.write(this.file, draft, { at, ...audited });
      this.current = draft;
      return result;
    });
  }

  /** Edits the state in memory only (written with the next change), in order with the changes. */
  changeInMemory<R>(apply: (state: T) => R): Promise<R> {
    return this.enqueue(async () => apply(this.current));
  }

  private enqueue<R>(run: () => Promise<R>): Promise<R> {
    const next = this.queue.then(run);
    this.queue = next.then(
      () => {},
      () => {},
    );
    return next;
  }

  private async write(file: string, state: T, audited: object): Promise<void> {
    let undoAudit: () => Promise<void> = async () => {};
    try {
      await writeFileAtomically(file, JSON.stringify(state, null, 2), async () => {
        ({ undo: undoAudit } = await appendDurably(`${file}.audit.jsonl`, `${JSON.stringify(audited)}\n`));
      });
    } catch (error) {
      // The rename failed after the audit line was written: the line goes too.
      await undoAudit().catch(() => {});
      throw error;
    }
  }
}
