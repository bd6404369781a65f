import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

interface Entry {
  name: string;
  bytes: number;
  /** Held in memory when the spool has no directory. */
  body?: string;
}

/**
 * Batches waiting for central, oldest first: one file per batch, written and fsync'd before it
 * counts as accepted, deleted once central took it. Survives the agent being killed; a restarted
 * agent sends what it finds. Bounded: over `maxBytes` the oldest batches go, counted.
 */
export class Spool {
  private readonly entries: Entry[] = [];
  private sequence = 0;
  private bytes = 0;
  droppedBatches = 0;

  constructor(
    private readonly dir: string | null,
    private readonly maxBytes: number,
  ) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.otlp.json')).sort()) {
      const bytes = statSync(join(dir, name)).size;
      this.entries.push({ name, bytes });
      this.bytes += bytes;
    }
  }

  get length(): number {
    return this.entries.length;
  }

  /** Stores a batch durably; returns how many old batches were dropped to make room. */
  append(body: string): number {
    // Names sort in arrival order across restarts: time first, then a counter.
    const name = `${Date.now().toString().padStart(15, '0')}-${(this.sequence++).toString().padStart(9, '0')}.otlp.json`;
    const bytes = Buffer.byteLength(body);
    if (this.dir) {
      const fd = openSync(join(this.dir, name), 'w');
      try {
        writeSync(fd, body);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.entries.push({ name, bytes });
    } else {
      this.entries.push({ name, bytes, body });
    }
    this.bytes += bytes;
    let dropped = 0;
    while (this.bytes > this.maxBytes && this.entries.length > 1) {
      this.remove(this.entries[0]!.name);
      dropped += 1;
    }
    this.droppedBatches += dropped;
    return dropped;
  }

  oldest(): { name: string; body: string } | null {
    const entry = this.entries[0];
    if (!entry) return null;
    return { name: entry.name, body: entry.body ?? readFileSync(join(this.dir!, entry.name), 'utf8') };
  }

  remove(name: string): void {
    const index = this.entries.findIndex((entry) => entry.name === name);
    if (index < 0) return;
    const [entry] = this.entries.splice(index, 1);
    this.bytes -= entry!.bytes;
    if (this.dir) {
      try {
        unlinkSync(join(this.dir, name));
      } catch {
        // already gone
      }
    }
  }
}
