import { createHash } from 'node:crypto';

/** Resources remembered: a fleet has far fewer processes; past it the memory starts again. */
const REMEMBERED_RESOURCES = 10_000;

/**
 * The id of a resource (its TypedAttributes JSON): the first 64 bits of its SHA-1, so a resource
 * has one id whichever lane or process writes it, and a span stores 8 bytes instead of its
 * resource. Ids are remembered, and with them which are known to be in `resources`: a write adds
 * only the resources it is the first to bring.
 */
export class ResourceIds {
  private readonly ids = new Map<string, bigint>();
  private readonly stored = new Set<bigint>();

  idOf(resourceJson: string): bigint {
    let id = this.ids.get(resourceJson);
    if (id === undefined) {
      if (this.ids.size >= REMEMBERED_RESOURCES) this.forget();
      id = createHash('sha1').update(resourceJson).digest().readBigUInt64BE(0);
      this.ids.set(resourceJson, id);
    }
    return id;
  }

  isStored(id: bigint): boolean {
    return this.stored.has(id);
  }

  /** Once the write that added them committed. */
  markStored(ids: Iterable<bigint>): void {
    for (const id of ids) this.stored.add(id);
  }

  private forget(): void {
    this.ids.clear();
    this.stored.clear();
  }
}
