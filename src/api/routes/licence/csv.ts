import { stringify as stringifyStream } from 'csv-stringify';
import { stringify, type Options } from 'csv-stringify/sync';

// RFC 4180 CSV through csv-stringify: CRLF line ends; a field with a comma, quote or line break is quoted, its
// quotes doubled. Against CSV injection, a cell starting with = + - @ (or their full-width forms), a tab or a
// carriage return gets a leading apostrophe (escape_formulas), and every cell holding a formula character or a
// separator a spreadsheet may split on (; | tab) is quoted, so `;=1+1` stays one cell of text.
export const CSV_OPTIONS: Options = {
  record_delimiter: 'windows',
  escape_formulas: true,
  // Line breaks too: csv-stringify quotes only the configured record delimiter, and a bare \n would split a row.
  quoted_match: /[=+@;|\t\r\n\uFF1D\uFF0B\uFF20]/,
  cast: {
    boolean: (v) => String(v),
    date: (v) => v.toISOString(),
  },
};

export function csvLine(values: readonly unknown[]): string {
  return stringify([values.map((v) => (v === undefined ? null : v))], CSV_OPTIONS);
}

/** A stream that turns view objects into CSV lines, the header row first (the column names). */
export function csvStream(columns: readonly string[]) {
  return stringifyStream({ ...CSV_OPTIONS, header: true, columns: [...columns] });
}
