// Every workflow the worker registers; the SDK bundles this file and what it imports.
export { profileWorkflow } from './profile/profileWorkflow';
export { downloadSubscriptionsWorkflow } from './runs/download';
export { refreshActivityWorkflow } from './runs/refreshActivity';
export { reclaimWorkflow } from './runs/reclaim';
export { reconcileWorkflow } from './runs/reconcile';
export { candidateReviewWorkflow } from './review/candidateReview';
export { restoreCandidateWorkflow } from './review/restore';
