import { createProfileActivities, type ProfileActivityDeps } from './profileActivities';

export type ActivityDeps = ProfileActivityDeps;

/** Every activity the worker registers, built from the dependencies the worker wires in. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProfileActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
