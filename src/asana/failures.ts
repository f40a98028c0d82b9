// The one place Asana errors become Temporal failures, so retry behaviour is decided by what Asana
// said rather than by each activity. Activities call it in their outermost catch and rethrow.
import { ApplicationFailure } from '@temporalio/common';
import { AsanaApiError, AsanaAuthError, AsanaRateLimitError, AsanaUnavailableError, OAuthError } from './errors';

export const AsanaFailureType = {
  RateLimited: 'AsanaRateLimited',
  AuthRevoked: 'AsanaAuthRevoked',
  Forbidden: 'AsanaForbidden',
  NotFound: 'AsanaNotFound',
  BadRequest: 'AsanaBadRequest',
  Unavailable: 'AsanaUnavailable',
  OAuthRejected: 'AsanaOAuthRejected',
  ServiceAccountRejected: 'AsanaServiceAccountRejected',
} as const;

const REAUTHORIZE = "Asana refused the connection's authorization; re-authorize the profile";

export function toActivityFailure(err: unknown): ApplicationFailure | unknown {
  if (err instanceof ApplicationFailure) return err;

  if (err instanceof AsanaRateLimitError) {
    return ApplicationFailure.create({
      type: AsanaFailureType.RateLimited,
      message: err.message,
      // Temporal waits exactly as long as Asana asked instead of its own backoff.
      nextRetryDelay: err.retryAfterMs,
      details: [{ retryAfterMs: err.retryAfterMs }],
    });
  }

  if (err instanceof AsanaAuthError && err.reason === 'service_account_rejected') {
    // Not the OAuth grant: the connection's authorization stands, only the Service Account token must be replaced.
    return ApplicationFailure.nonRetryable(err.message, AsanaFailureType.ServiceAccountRejected);
  }

  if (err instanceof AsanaAuthError) {
    const message = err.reason === 'not_authorized' ? 'The connection holds no Asana authorization; authorize the profile' : REAUTHORIZE;
    return ApplicationFailure.nonRetryable(message, AsanaFailureType.AuthRevoked, { reason: err.reason ?? null });
  }

  if (err instanceof OAuthError) {
    if (err.error === 'invalid_grant') {
      return ApplicationFailure.nonRetryable(REAUTHORIZE, AsanaFailureType.AuthRevoked, { reason: 'grant_revoked' });
    }
    // invalid_client and the like: the stored client ID or secret is wrong; retrying cannot help.
    return ApplicationFailure.nonRetryable(
      `${err.message}; check the connection's client ID and secret`,
      AsanaFailureType.OAuthRejected,
      { error: err.error, status: err.status },
    );
  }

  if (err instanceof AsanaUnavailableError) {
    return ApplicationFailure.retryable(err.message, AsanaFailureType.Unavailable);
  }

  if (err instanceof AsanaApiError) {
    const details = { status: err.status, phrase: err.phrase };
    if (err.status >= 500) return ApplicationFailure.retryable(err.message, AsanaFailureType.Unavailable, details);
    if (err.status === 402 || err.status === 403) {
      return ApplicationFailure.nonRetryable(err.message, AsanaFailureType.Forbidden, details);
    }
    if (err.status === 404) return ApplicationFailure.nonRetryable(err.message, AsanaFailureType.NotFound, details);
    if (err.status === 400) return ApplicationFailure.nonRetryable(err.message, AsanaFailureType.BadRequest, details);
  }

  return err;
}
