// One Temporal dev server, one PostgreSQL and one workflow bundle for the whole test run;
// each test file then gets its own database (cloned from a migrated template) and task queue.
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../src/logger';
import { startInfrastructure } from './infrastructure';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    postgresAdminUrl: string;
    templateDatabase: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const infra = await startInfrastructure({ logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'warn', 'test-setup'), name: 'test' });
  project.provide('temporalAddress', infra.temporalAddress);
  project.provide('postgresAdminUrl', infra.postgresAdminUrl);
  project.provide('templateDatabase', infra.templateDatabase);
  project.provide('workflowBundlePath', infra.bundlePath);
  return () => infra.stop();
}
