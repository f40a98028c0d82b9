// Every failure the Asana client and OAuth helpers raise. Messages name the operation and what
// Asana said, never a token, secret, code or verifier, because they end up in logs and workflow history.

/** Asana answered with an error status other than 401 and 429 (those have their own classes). */
export class AsanaApiError extends Error {
  override readonly name = 'AsanaApiError';
  constructor(
    readonly status: number,
    message: string,
    /** Asana's incident phrase, given on 500s, for support requests. */
    readonly phrase?: string,
  ) {
    super(message);
  }
}

/** Asana kept answering 429 past what the client may wait in-process. */
export class AsanaRateLimitError extends Error {
  override readonly name = 'AsanaRateLimitError';
  constructor(
    /** How long Asana asked us to wait before the next request, counted from its last answer. */
    readonly retryAfterMs: number,
    message = `Asana rate limit in force; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
  ) {
    super(message);
  }
}

/**
 * Asana no longer accepts this connection's authorization: a refreshed token was refused as well,
 * or the grant is gone (`invalid_grant`), or there never were tokens. Only the user (re-)authorizing
 * fixes it.
 */
export class AsanaAuthError extends Error {
  override readonly name = 'AsanaAuthError';
  constructor(
    message: string,
    /** Why, when known: a refreshed token refused too, the grant revoked, or no tokens held at all. */
    readonly reason?: 'token_rejected' | 'grant_revoked' | 'not_authorized' | 'service_account_rejected',
  ) {
    super(message);
  }
}

/** Asana could not be reached or did not answer in time. */
export class AsanaUnavailableError extends Error {
  override readonly name = 'AsanaUnavailableError';
}

/** Asana's OAuth endpoints refused a request with an RFC 6749 error code such as `invalid_grant`. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly error: string,
    readonly description: string | undefined,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
