/** A store's own end: whoever opened it closes it; views over it (reads, writes) never do. */
export interface StoreLifecycle {
  close(): Promise<void>;
}
