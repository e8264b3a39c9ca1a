/** The port of where a job's pass over a shop stands, so a run that stopped early is gone on from there. */

export interface JobProgress {
  /** Which pass: the `tiers` job makes one a day per shop (`2026-04-01`). */
  pass: string;
  /** How far the pass went (opaque, from the list it walks); absent at the start. */
  cursor?: string;
  /** The pass is over. */
  done: boolean;
  updatedAt: string;
}

export interface JobProgressStore {
  /** The recorded progress of `job` over `shop`, if any. */
  jobProgress(shop: string, job: string): Promise<JobProgress | undefined>;
  /** Records it (last writer wins: an overlapping run at worst repeats a page, which changes nothing twice). */
  saveJobProgress(shop: string, job: string, progress: JobProgress): Promise<void>;
}
