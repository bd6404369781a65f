/** Batch ids remembered per link: an agent sends a new batch only once the last one is confirmed. */
const REMEMBERED_PER_LINK = 8;

/**
 * The span-metric batches federated agents handed over lately, by link. The store adds up what it
 * is given, so a batch sent again because its answer was lost (a timeout, a dropped connection)
 * must not be written again: its id is known, and the write it started (done, or still going) is
 * its answer. A write that failed is forgotten, so the agent's next try writes it.
 * In memory: after a restart central takes a resent batch as new (counted twice, once).
 */
export class MetricBatches {
  private readonly byLink = new Map<string, Map<string, Promise<void>>>();

  /** Writes the batch `batchId` of `linkId` with `write`, unless it was (or is being) written. */
  async take(linkId: string, batchId: string, write: () => Promise<void>): Promise<'stored' | 'already stored'> {
    let batches = this.byLink.get(linkId);
    if (!batches) this.byLink.set(linkId, (batches = new Map()));
    const known = batches.get(batchId);
    if (known) {
      await known;
      return 'already stored';
    }
    const writing = write();
    batches.set(batchId, writing);
    if (batches.size > REMEMBERED_PER_LINK) batches.delete(batches.keys().next().value!);
    try {
      await writing;
      return 'stored';
    } catch (error) {
      if (batches.get(batchId) === writing) batches.delete(batchId);
      throw error;
    }
  }
}
