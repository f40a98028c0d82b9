// What deploy/temporal/server.yaml says, read from the file itself: the harness and the tests never restate it.
import fs from 'node:fs';
import { deployFiles } from './versions';

const text = () => fs.readFileSync(deployFiles.serverConfig, 'utf8');

/** The cluster's number of history shards (fixed for its lifetime). */
export function historyShards(): number {
  const match = /^\s*numHistoryShards:\s*(\d+)\s*$/m.exec(text());
  if (!match) throw new Error(`${deployFiles.serverConfig} sets no numHistoryShards`);
  return Number(match[1]);
}

/** The environment variables the template reads (`env "NAME"`). */
export function configVariables(): Set<string> {
  return new Set([...text().matchAll(/env "([A-Z0-9_]+)"/g)].map((m) => m[1]!));
}
