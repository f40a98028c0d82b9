import type { Client } from '@temporalio/client';
import type { Db } from '../db/pool';
import type { Logger } from '../logger';
import type { SecretBox } from '../secrets/secretBox';
import type { LinkSigner } from '../notify/actionLinks';
import type { Metrics } from '../metrics';

export interface ApiDeps {
  db: Db;
  box: SecretBox;
  temporal: Client;
  taskQueue: string;
  apiToken: string;
  /** Where this API is reachable from a browser; the OAuth redirect URL is built from it. */
  publicBaseUrl: string;
  /** The Asana a new profile connects to unless it names another. */
  defaultAsanaBaseUrl: string;
  analyzeActivityMaxDays: number;
  logger: Logger;
  /** Verifies the keep / release / approve / reject links of notify-and-wait emails. */
  linkSigner?: LinkSigner;
  now?: () => Date;
  /** How long after a removal a reclaim can be undone, and how long the restored person is protected. */
  restore?: { windowDays: number; protectionDays: number };
  metrics?: Metrics;
  /** The Temporal Web UI and namespace the console links runs to, when known. */
  temporalUi?: { url: string; namespace: string };
}

export const DEFAULT_RESTORE = { windowDays: 30, protectionDays: 90 };
