// Printing: each benchmark prints a small table and the command that reproduces it.

export const MB = 1024 * 1024;

export function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : String(n);
}

export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export interface Verdict {
  name: string;
  value: number;
  target: string;
  met: boolean;
}

export interface BenchResult {
  name: string;
  command: string;
  verdicts: Verdict[];
  /** Everything measured, for --json. */
  data: unknown;
}

export function printSection(title: string, command: string, body: string[]): void {
  process.stdout.write(`\n## ${title}\n\nReproduce: ${command}\n\n${body.join('\n\n')}\n`);
}

/** Progress lines go to stderr so that stdout holds only the tables. */
export function progress(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}
