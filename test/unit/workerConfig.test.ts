import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

describe('worker concurrency and Asana pacing settings', () => {
  it('default to the documented values', () => {
    const config = loadConfig({});
    expect(config.worker).toEqual({ maxConcurrentActivityTaskExecutions: 100, maxConcurrentWorkflowTaskExecutions: 40, maxCachedWorkflows: undefined });
    expect(config.asanaPacing).toEqual({ maxInFlight: 50 });
    expect(config.databasePoolSize).toBe(25);
  });

  it('take whole numbers from the environment', () => {
    const config = loadConfig({
      WORKER_MAX_CONCURRENT_ACTIVITIES: '60',
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '10',
      WORKER_MAX_CACHED_WORKFLOWS: '0',
      ASANA_MAX_CONCURRENT_REQUESTS: '20',
      DATABASE_POOL_SIZE: '40',
    });
    expect(config.databasePoolSize).toBe(40);
    expect(config.worker).toEqual({ maxConcurrentActivityTaskExecutions: 60, maxConcurrentWorkflowTaskExecutions: 10, maxCachedWorkflows: 0 });
    expect(config.asanaPacing).toEqual({ maxInFlight: 20 });
  });

  it('refuse anything else, naming each variable and what it must be', () => {
    expect(() => loadConfig({ WORKER_MAX_CONCURRENT_ACTIVITIES: '0', ASANA_MAX_CONCURRENT_REQUESTS: '1e1', WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1', DATABASE_POOL_SIZE: '0' })).toThrow(
      /WORKER_MAX_CONCURRENT_ACTIVITIES: must be at least 1[\s\S]*WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: must be at least 2[\s\S]*DATABASE_POOL_SIZE: must be at least 1[\s\S]*ASANA_MAX_CONCURRENT_REQUESTS: must be a whole number/,
    );
  });
});
