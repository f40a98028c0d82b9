import { useState } from 'preact/hooks';
import type { Entitlement, SoftwareModel } from '../../api/types';
import { Field, fieldError } from '../../components/Field';
import { ProblemMessage } from '../../components/feedback';
import { useAction } from '../../components/useAction';

export interface EntitlementInput {
  modelId: string;
  quantity: number;
  unitPrice: number;
  currency: string;
  termStart: string;
  termEnd: string;
}

const today = () => new Date().toISOString().slice(0, 10);
const nextYear = () => {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString().slice(0, 10);
};

/**
 * The fields of an entitlement, sent as typed: the API checks them (quantity, price, currency, term) and its
 * message for a field is shown next to that field.
 */
export function EntitlementForm({ models, initial, submitLabel, onSubmit, onCancel }: { models: SoftwareModel[]; initial?: Entitlement; submitLabel: string; onSubmit: (e: EntitlementInput) => Promise<void>; onCancel?: () => void }) {
  const [f, setF] = useState({
    modelId: initial?.modelId ?? models.find((m) => m.billable)?.id ?? models[0]?.id ?? '',
    quantity: String(initial?.quantity ?? ''),
    unitPrice: initial?.unitPrice ?? '',
    currency: initial?.currency ?? 'EUR',
    termStart: initial?.termStart ?? today(),
    termEnd: initial?.termEnd ?? nextYear(),
  });
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.currentTarget as HTMLInputElement).value });
  // Numbers go as numbers when they read as one; otherwise as typed, so the API names what is wrong with them.
  const num = (v: string) => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);
  const submit = useAction(() => onSubmit({ ...f, quantity: num(f.quantity), unitPrice: num(f.unitPrice) } as EntitlementInput));
  const err = (k: string) => fieldError(submit.error, k);
  return (
    <form
      class="inline-form"
      aria-label={initial ? `Edit the ${initial.edition} entitlement` : 'Add an entitlement'}
      onSubmit={(e) => {
        e.preventDefault();
        void submit.run();
      }}
    >
      <Field label="Model" error={err('modelId')}>
        {(a) => (
          <select {...a} name="modelId" value={f.modelId} onChange={set('modelId')}>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.edition}
                {m.billable ? '' : ' (free)'}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Seats" error={err('quantity')}>
        {(a) => <input {...a} name="quantity" inputMode="numeric" value={f.quantity} onInput={set('quantity')} />}
      </Field>
      <Field label="Unit price" error={err('unitPrice')}>
        {(a) => <input {...a} name="unitPrice" inputMode="decimal" value={f.unitPrice} onInput={set('unitPrice')} />}
      </Field>
      <Field label="Currency" error={err('currency')}>
        {(a) => <input {...a} name="currency" maxLength={3} size={4} value={f.currency} onInput={set('currency')} />}
      </Field>
      <Field label="Term start" error={err('termStart')}>
        {(a) => <input {...a} name="termStart" type="date" value={f.termStart} onInput={set('termStart')} />}
      </Field>
      <Field label="Term end" error={err('termEnd')}>
        {(a) => <input {...a} name="termEnd" type="date" value={f.termEnd} onInput={set('termEnd')} />}
      </Field>
      <div class="actions form-actions">
        <button type="submit" class="button-primary" disabled={submit.busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" class="button-quiet" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {submit.error !== undefined && !['modelId', 'quantity', 'unitPrice', 'currency', 'termStart', 'termEnd'].some((k) => err(k)) && <ProblemMessage error={submit.error} />}
    </form>
  );
}
