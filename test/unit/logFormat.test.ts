import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
const PROBE = path.join(ROOT, 'test', 'fixtures', 'logProbe.ts');
const run = (env: Record<string, string>) => spawnSync(process.execPath, ['--import', 'tsx', PROBE], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' }).stdout;

describe('log formats', () => {
  it('writes JSON lines when not on a terminal, and readable lines with LOG_FORMAT=pretty; secrets are redacted in both', () => {
    const json = JSON.parse(run({}).trim()) as Record<string, unknown>;
    expect(json).toMatchObject({ msg: 'hello', name: 'probe', clientSecret: '[redacted]', n: 1 });
    const pretty = run({ LOG_FORMAT: 'pretty' });
    expect(pretty).toMatch(/INFO.*\(probe\).*hello/);
    expect(pretty).toContain('[redacted]');
    expect(pretty).not.toContain('hunter2');
    expect(() => JSON.parse(pretty)).toThrow();
    expect(JSON.parse(run({ LOG_FORMAT: 'json' }).trim()).msg).toBe('hello');
  });
});
