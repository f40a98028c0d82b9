// The lint rule that keeps workflow code deterministic holds at every folder depth.
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
// A real file inside the project (the rules are type-aware), removed afterwards.
const PROBE_DIR = path.join(ROOT, 'src', 'workflows', 'lintProbe', 'deeper');
afterAll(() => fs.rmSync(path.join(ROOT, 'src', 'workflows', 'lintProbe'), { recursive: true, force: true }));

async function restrictedImports(source: string): Promise<string[]> {
  fs.mkdirSync(PROBE_DIR, { recursive: true });
  const file = path.join(PROBE_DIR, `probe${Math.random().toString(36).slice(2, 8)}.ts`);
  fs.writeFileSync(file, source);
  try {
    const [result] = await new ESLint({ cwd: ROOT }).lintFiles([file]);
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

describe('workflow code, three folders deep', () => {
  it.each([
    ["import pg from 'pg';", 'pg'],
    ["import express from 'express';", 'express'],
    ["import fs from 'node:fs';", 'node:fs'],
    ["import fs from 'fs';", 'fs'],
    ["import { createDb } from '../../../db/pool';", 'the database pool'],
    ["import { getProfileRow } from '../../../store/profiles';", 'a store module'],
    ["import { createActivities } from '../../../activities';", 'the activities (a value)'],
  ])('refuses %s (%s)', async (line) => {
    const messages = await restrictedImports(`${line}\nexport const used = [${line.match(/import (?:\{ )?(\w+)/)![1]}];\n`);
    expect(messages.length, line).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('may import types from activities and the store, and plain shared data', async () => {
    const messages = await restrictedImports(
      [
        "import type { Activities } from '../../../activities';",
        "import type { ProfileRow } from '../../../store/profiles';",
        "import { JOB_KINDS } from '../../../runs/types';",
        'export type Both = [Activities, ProfileRow];',
        'export const kinds = JOB_KINDS;',
      ].join('\n') + '\n',
    );
    expect(messages).toEqual([]);
  }, 60_000);
});
