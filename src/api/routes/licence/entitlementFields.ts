import { z } from 'zod';
import { modelIdField } from '../lists/fields';

// Bounds that keep every figure a reconciliation derives (seats x price, summed) inside its column.
export const MAX_QUANTITY = 1_000_000;
export const MAX_UNIT_PRICE = 1_000_000;

const twoDecimals = (v: number) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6;

export const quantityField = z
  .number({ error: 'must be a whole number of seats' })
  .int('must be a whole number of seats')
  .min(0, 'must not be negative')
  .max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`);

/** A JSON number with at most two decimals, kept as exact decimal text ("12.50") from here on. */
export const unitPriceField = z
  .number({ error: 'must be a number, e.g. 12.5' })
  .min(0, 'must not be negative')
  .max(MAX_UNIT_PRICE, `must be at most ${MAX_UNIT_PRICE}`)
  .refine(twoDecimals, 'must have at most two decimals')
  .transform((v) => v.toFixed(2));

// The format only: a list of codes (the runtime's ICU data) would refuse valid codes it does not know.
export const currencyField = z.string({ error: 'must be an ISO 4217 code such as EUR' }).regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code: three upper-case letters, e.g. EUR');

/** A calendar date of a licence term: the years PostgreSQL and every spreadsheet agree on (1900 to 9999). */
export const dateField = z.iso
  .date({ error: 'must be a calendar date YYYY-MM-DD' })
  .refine((v) => v >= '1900-01-01', 'must be a date from 1900-01-01 on');

export const entitlementCreateSchema = z
  .object({ modelId: modelIdField, quantity: quantityField, unitPrice: unitPriceField, currency: currencyField, termStart: dateField, termEnd: dateField })
  .strict()
  .superRefine((e, ctx) => {
    const problem = termProblem(e.termStart, e.termEnd);
    if (problem) ctx.addIssue({ code: 'custom', path: ['termEnd'], message: problem });
  });

export const entitlementPatchSchema = z
  .object({
    modelId: modelIdField.optional(),
    quantity: quantityField.optional(),
    unitPrice: unitPriceField.optional(),
    currency: currencyField.optional(),
    termStart: dateField.optional(),
    termEnd: dateField.optional(),
  })
  .strict();

/** Why a term is impossible, or null. Dates as YYYY-MM-DD compare as text. */
export function termProblem(termStart: string, termEnd: string): string | null {
  return termEnd > termStart ? null : `must be after termStart (${termStart}): a term ends after it starts`;
}
