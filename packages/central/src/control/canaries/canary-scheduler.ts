/**
 * Timers that call `tick(id)` every `everyMs` for each scheduled canary, on a fixed grid from
 * its first due time (a slow run does not push the next ones later). The timers are unref'd:
 * canaries never keep a process alive. Overlap is the caller's to refuse (`tick` is told every
 * due time, and may skip it while the previous run goes on).
 */
export class CanaryScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly tick: (id: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** (Re)starts `id`'s timer: first due after `firstDelayMs`, then every `everyMs`. */
  schedule(id: string, everyMs: number, firstDelayMs: number): void {
    this.unschedule(id);
    const arm = (dueAtMs: number) => {
      const timer = setTimeout(() => {
        // The next due time first, so a tick that throws cannot stop the canary.
        arm(dueAtMs + everyMs * Math.max(1, Math.ceil((this.now() - dueAtMs + 1) / everyMs)));
        this.tick(id);
      }, Math.max(0, dueAtMs - this.now()));
      timer.unref();
      this.timers.set(id, timer);
    };
    arm(this.now() + firstDelayMs);
  }

  unschedule(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  stop(): void {
    for (const id of [...this.timers.keys()]) this.unschedule(id);
  }
}
