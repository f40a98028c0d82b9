import type { ActivitySource } from '../profiles/types';
import type { Counts } from '../runs/types';

/** How reading one activity source went in a run: what the analysis and the job result need, never a list of people. */
export interface SourceRead {
  source: ActivitySource;
  /** False when the source could not be read: then no candidate is made from the absence of signals. */
  readable: boolean;
  /** Why it could not be read, and what to do, when it could not. */
  detail: string | null;
  counts: Counts;
}
