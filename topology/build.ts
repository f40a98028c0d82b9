// The Temporal server and its SQL schema tool, built from the pinned Go module once and kept in .cache/; later
// runs reuse them. `npx tsx topology/build.ts` builds ahead (CI does, so no test waits for the compiler).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CACHE_DIR, GO_TOOLCHAIN, TEMPORAL_SERVER_MODULE, TEMPORAL_SERVER_VERSION } from './versions';

const run = promisify(execFile);

export interface TemporalBinaries {
  server: string;
  sqlTool: string;
  /** The module's schemas folder (schema/postgresql/v12/temporal/versioned, ...), from Go's module cache. */
  schemaDir: string;
}

/** The names the server image and the admin-tools image give them, which the deploy scripts call. */
const NAMES = { server: 'temporal-server', sqlTool: 'temporal-sql-tool' } as const;
const PACKAGES = { server: 'cmd/server', sqlTool: 'cmd/tools/sql' } as const;

const goEnv = (): NodeJS.ProcessEnv => ({ ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN });

/** Builds what is missing (minutes the first time on two cores, seconds with Go's caches warm) and answers the paths. */
export async function ensureTemporalBinaries(log: (line: string) => void = () => undefined): Promise<TemporalBinaries> {
  const server = path.join(CACHE_DIR, NAMES.server);
  const sqlTool = path.join(CACHE_DIR, NAMES.sqlTool);
  const missing = (Object.keys(NAMES) as Array<keyof typeof NAMES>).filter((k) => !fs.existsSync(path.join(CACHE_DIR, NAMES[k])));
  if (missing.length > 0) {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Built into a folder of its own, then moved: an interrupted build never leaves a half-written binary behind.
    const gobin = fs.mkdtempSync(path.join(CACHE_DIR, '.build-'));
    try {
      const started = Date.now();
      log(`building Temporal server ${TEMPORAL_SERVER_VERSION} (${missing.join(', ')}) with ${GO_TOOLCHAIN}`);
      const targets = missing.map((k) => `${TEMPORAL_SERVER_MODULE}/${PACKAGES[k]}@v${TEMPORAL_SERVER_VERSION}`);
      await run('go', ['install', ...targets], { env: { ...goEnv(), GOBIN: gobin }, maxBuffer: 64 * 1024 * 1024 }).catch((err: NodeJS.ErrnoException & { stderr?: string }) => {
        if (err.code === 'ENOENT') throw new Error('Building the Temporal server needs Go (the `go` command) on the PATH; any Go 1.21 or later fetches the toolchain it needs.', { cause: err });
        throw new Error(`go install ${targets.join(' ')} failed: ${(err.stderr ?? err.message).slice(-4000)}`, { cause: err });
      });
      for (const k of missing) fs.renameSync(path.join(gobin, path.basename(PACKAGES[k])), path.join(CACHE_DIR, NAMES[k]));
      log(`built in ${Math.round((Date.now() - started) / 1000)} s into ${CACHE_DIR}`);
    } finally {
      fs.rmSync(gobin, { recursive: true, force: true });
    }
  }
  return { server, sqlTool, schemaDir: await moduleSchemaDir() };
}

/** The server module's own copy of its schemas: `go mod download` fetches the module (a no-op when cached) and says where it is. */
async function moduleSchemaDir(): Promise<string> {
  // Run outside the project: the module is looked up as itself, not as a dependency of any go.mod around.
  const { stdout } = await run('go', ['mod', 'download', '-json', `${TEMPORAL_SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`], { env: goEnv(), cwd: os.tmpdir() });
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download named no folder for ${TEMPORAL_SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`);
  return path.join(dir, 'schema');
}

if (require.main === module) {
  ensureTemporalBinaries((line) => process.stdout.write(`${line}\n`)).then(
    (b) => process.stdout.write(`temporal-server: ${b.server}\ntemporal-sql-tool: ${b.sqlTool}\nschemas: ${b.schemaDir}\n`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
