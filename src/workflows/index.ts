// Every workflow the worker registers; the SDK bundles this file and what it imports.
export { profileWorkflow } from './profile/profileWorkflow';
export { downloadSubscriptionsWorkflow, refreshActivityWorkflow, reconcileWorkflow } from './runs/scheduledRuns';
