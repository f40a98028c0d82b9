import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

describe('config', () => {
  it('has embedded defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, publicBaseUrl: 'http://localhost:3000', databaseUrl: undefined, asanaBaseUrl: undefined, logLevel: 'info' });
    expect(c.temporal).toMatchObject({ address: undefined, namespace: 'default', taskQueue: 'licence-management' });
  });

  it('reads the documented names', () => {
    const c = loadConfig({ PORT: '8080', PUBLIC_BASE_URL: 'https://licences.example.com/', TEMPORAL_ADDRESS: 'temporal:7233', ASANA_BASE_URL: 'https://app.asana.com', LOG_LEVEL: 'debug' });
    expect(c).toMatchObject({ port: 8080, publicBaseUrl: 'https://licences.example.com', asanaBaseUrl: 'https://app.asana.com', logLevel: 'debug' });
    expect(c.temporal.address).toBe('temporal:7233');
  });

  it('names what is wrong', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ ANALYZE_ACTIVITY_MAX_DAYS: '120' })).toThrow(/ANALYZE_ACTIVITY_MAX_DAYS/);
  });
});
