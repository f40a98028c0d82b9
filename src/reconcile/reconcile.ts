import type { Db } from '../db/pool';
import { databaseNow, insertPositions, modelUsage, writtenCounts } from '../store/licences';
import { computePosition, positionCounts, type PositionCounts } from './computePosition';

/**
 * One reconciliation: reads what every model owns and uses, computes its position and keeps the result
 * with its time, all in one transaction, so a run leaves either every model's row or none. A retried
 * activity whose first attempt committed answers that attempt's counts instead of writing twice.
 */
export async function reconcileLicences(db: Db, p: { profileId: string; jobId: string }): Promise<PositionCounts> {
  return db.withTransaction(async (tx) => {
    const done = await writtenCounts(tx, p.jobId);
    if (done) return done;
    // The database's clock, to milliseconds: the same instant dates the coverage, the activity spread
    // and the stored rows, and it survives the round trip through a JavaScript Date exactly.
    const at = await databaseNow(tx);
    const positions = (await modelUsage(tx, p.profileId, at)).map(computePosition);
    await insertPositions(tx, { profileId: p.profileId, jobId: p.jobId, computedAt: at, positions });
    return positionCounts(positions);
  });
}
