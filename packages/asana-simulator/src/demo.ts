import type { ScenarioInput } from './types';

/** The organization `npm start` serves when no real Asana is configured. */
export const demoScenario: Partial<ScenarioInput> = {
  seed: 2026,
  members: 180,
  guests: 25,
  viewOnly: 15,
  admins: 3,
  inactiveShare: 0.2,
  recentlyCreatedShare: 0.05,
  eventsPerUserPerDay: 2,
  days: 90,
  isOrganization: true,
  auditLog: 'enabled',
  workspaceName: 'Demo Corp',
  emailDomain: 'demo-corp.example',
};
