/**
 * Asana's standard limiter: a quota per token over a sliding window. Rejected requests are recorded
 * too, because Asana counts them against the quota ("ignoring Retry-After results in fewer and fewer
 * requests being accepted").
 */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  check(key: string, now: number, limit: number, windowMs: number): RateDecision {
    let times = this.hits.get(key);
    if (!times) {
      times = [];
      this.hits.set(key, times);
    }
    let expired = 0;
    while (expired < times.length && (times[expired] as number) <= now - windowMs) expired++;
    if (expired > 0) times.splice(0, expired);
    times.push(now);
    if (times.length <= limit) return { allowed: true };
    // A request at T is admitted once at most limit-1 recorded requests are newer than T - window,
    // i.e. once the (n - limit)th oldest has left the window.
    const pivot = times[times.length - limit] as number;
    const waitMs = pivot + windowMs - now;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  reset(): void {
    this.hits.clear();
  }
}
