// One pacer per credential of a profile, shared by every Asana client of it in this worker process, so that
// concurrent activities of a profile draw on one budget and different profiles never wait on each other's.
import type { Release, PacerClock } from '../asana/pacer';
import { RequestPacer } from '../asana/pacer';
import type { TokenPacer } from '../asana/client';

export type Credential = 'oauth' | 'service_account';

export interface PacingSettings {
  /** Requests in flight per token in this process (Asana: about 50 concurrent GETs per token). */
  maxInFlight: number;
  /** Worker processes serving the same profiles: each uses 1/workers of a token's budget and in-flight cap. */
  workers: number;
}

export const DEFAULT_PACING: PacingSettings = { maxInFlight: 50, workers: 1 };

/** How long a profile's budget is trusted before it is read again, so a changed option applies within a minute. */
const BUDGET_TTL_MS = 30_000;

export interface TokenPacers {
  /** The pacer of a profile's credential; `budget` reads the profile's requests per minute. */
  forProfile(profileId: string, credential: Credential, budget: () => Promise<number>): TokenPacer;
  /** What this process holds for a profile's credential (tests, diagnostics). */
  limitsOf(profileId: string, credential: Credential): { requestsPerMinute: number; maxInFlight: number } | null;
}

export function createTokenPacers(settings: PacingSettings = DEFAULT_PACING, clock?: PacerClock): TokenPacers {
  const pacers = new Map<string, ProfilePacer>();
  const keyOf = (profileId: string, credential: Credential) => `${profileId}/${credential}`;
  return {
    forProfile(profileId, credential, budget) {
      const key = keyOf(profileId, credential);
      let pacer = pacers.get(key);
      if (!pacer) {
        pacer = new ProfilePacer(settings, budget, clock);
        pacers.set(key, pacer);
      }
      return pacer;
    },
    limitsOf(profileId, credential) {
      return pacers.get(keyOf(profileId, credential))?.limits ?? null;
    },
  };
}

/** This process's share of a token's limits. */
export function shareOf(requestsPerMinute: number, settings: PacingSettings): { requestsPerMinute: number; maxInFlight: number } {
  return {
    requestsPerMinute: Math.max(1, Math.floor(requestsPerMinute / settings.workers)),
    maxInFlight: Math.max(1, Math.floor(settings.maxInFlight / settings.workers)),
  };
}

class ProfilePacer implements TokenPacer {
  private pacer: RequestPacer | null = null;
  private readAt = -Infinity;
  private reading: Promise<void> | null = null;
  private budget: () => Promise<number>;

  constructor(
    private readonly settings: PacingSettings,
    budget: () => Promise<number>,
    private readonly clock: PacerClock | undefined,
  ) {
    this.budget = budget;
  }

  get limits(): { requestsPerMinute: number; maxInFlight: number } | null {
    if (!this.pacer) return null;
    const { requestsPerMinute, maxInFlight } = this.pacer.current;
    return { requestsPerMinute, maxInFlight };
  }

  async acquire(signal?: AbortSignal): Promise<Release> {
    await this.fresh();
    return this.pacer!.acquire(signal);
  }

  holdUntil(time: number): void {
    this.pacer?.holdUntil(time);
  }

  private async fresh(): Promise<void> {
    const now = this.clock?.now() ?? performance.now();
    if (this.pacer && now - this.readAt < BUDGET_TTL_MS) return;
    this.reading ??= (async () => {
      try {
        const limits = shareOf(await this.budget(), this.settings);
        if (this.pacer) this.pacer.setLimits(limits);
        else this.pacer = new RequestPacer({ ...limits, ...(this.clock ? { clock: this.clock } : {}) });
        this.readAt = this.clock?.now() ?? performance.now();
      } finally {
        this.reading = null;
      }
    })();
    // A pacer that already exists keeps pacing while its budget is read again.
    if (this.pacer) {
      this.reading.catch(() => undefined);
      return;
    }
    await this.reading;
  }
}
