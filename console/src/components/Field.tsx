// A labelled form field with the API's message for it shown next to it (and tied to the input for screen readers).
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { ApiProblem } from '../api/client';

/** The API's message for the first of these fields it named (`errors[].field`), if any. */
export function fieldError(error: unknown, ...fields: string[]): string | undefined {
  if (!(error instanceof ApiProblem)) return undefined;
  for (const f of fields) {
    const m = error.fieldMessage(f);
    if (m) return m;
  }
  return undefined;
}

export interface InputAttrs {
  id: string;
  'aria-invalid'?: 'true';
  'aria-describedby'?: string;
}

export function Field({ label, error, hint, children, class: className }: { label: string; error?: string; hint?: string; class?: string; children: (attrs: InputAttrs) => ComponentChildren }) {
  const id = useId();
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div class={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label for={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy })}
      {hint && !error && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
    </div>
  );
}
