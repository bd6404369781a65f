import { open } from 'node:fs/promises';

/**
 * fsync of a directory, so that files just created in it survive a power cut (their names are
 * in the directory, which a file's own fsync does not make durable). Callers that ask while one
 * runs share the next one: at hundreds of batches a second that is a few syncs, not hundreds.
 */
export class DirectorySync {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly dir: string) {}

  /** Resolves after a sync that started after this call. */
  sync(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    this.queued = this.running.catch(() => {}).then(() => {
      this.queued = null;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<void> {
    const run = (async () => {
      const handle = await open(this.dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    })();
    this.running = run;
    void run.catch(() => {}).finally(() => {
      if (this.running === run) this.running = null;
    });
    return run;
  }
}
