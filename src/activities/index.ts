import { createProfileActivities, type ProfileActivityDeps } from './profileActivities';
import { createJobActivities } from './jobActivities';
import { createDownloadActivities } from './downloadActivities';
import { createAnalysisActivities } from './analysisActivities';
import { createAuditLogActivities } from './auditLogActivities';
import { createStoriesActivities } from './storiesActivities';
import { createReclaimActivities } from './reclaimActivities';
import { createReviewActivities, type Notifications } from './reviewActivities';
import { createReconcileActivities } from './reconcileActivities';
import { createRestoreActivities } from './restoreActivities';

export type ActivityDeps = ProfileActivityDeps & { notifications?: Notifications };

/** Every activity the worker registers, built from the dependencies the worker wires in. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProfileActivities(deps),
    ...createJobActivities(deps),
    ...createDownloadActivities(deps),
    ...createStoriesActivities(deps),
    ...createAuditLogActivities(deps),
    ...createAnalysisActivities(deps),
    ...createReclaimActivities(deps),
    ...createReviewActivities(deps),
    ...createReconcileActivities(deps),
    ...createRestoreActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
