import { readState, saveState } from './audited-state-file.ts';

/**
 * A registry's state kept with readState/saveState: audit entries stamped with the time, and
 * saves made one after the other (two at once would race on the temporary file).
 */
export class AuditedState<T> {
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string | null,
    public state: T,
    readonly now: () => number,
  ) {}

  static async open<T>(file: string | null, initial: T, now: () => number = Date.now): Promise<AuditedState<T>> {
    return new AuditedState(file, await readState(file, initial), now);
  }

  /** Writes `state` (by default the current one) and appends `audited`, with its time, to the audit log. */
  save(audited: object, state: T = this.state): Promise<void> {
    const entry = { at: new Date(this.now()).toISOString(), ...audited };
    const next = this.saving.then(() => saveState(this.file, state, entry));
    this.saving = next.catch(() => {});
    return next;
  }
}
