// Loading, empty and error states, the same everywhere.
import type { ComponentChildren } from 'preact';
import { ApiProblem } from '../api/client';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

/** An error as the API said it: the problem's `detail`. */
export function ProblemMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const detail = error instanceof ApiProblem ? error.detail : error instanceof Error ? error.message : String(error);
  return (
    <p class="problem" role="alert">
      {detail}
    </p>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <p class="notice" role="status">
      {children}
    </p>
  );
}
