// No block of more than 12 lines is written twice in src/: the same lines, or the same shape with other names,
// strings and numbers. (The simulator, with its route boilerplate, is a package of its own.)
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.join(__dirname, '..', '..', 'src');
const WINDOW = 13;

/** A line's shape: what is left when names, strings and numbers are all the same. */
function shape(line: string): string {
  return line
    .trim()
    .replace(/`(?:[^`\\]|\\.)*`|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, 'S')
    .replace(/\b\d[\d_.]*\b/g, 'N')
    .replace(/[A-Za-z_$][\w$]*/g, 'x');
}

/**
 * Lines that carry no logic of their own do not make a block alike: closing brackets, comments, a lone name,
 * string or number (the entries of an import list or of a list of values), and a key with a lone value (the
 * entries of a table, such as HTTP statuses and their texts).
 */
const thin = (s: string) =>
  /^[\s{}()[\];,.]*$/.test(s) || /^(x|S|N|x as x|type x),?$/.test(s) || /^x: x,?$/.test(s) || s.startsWith('//') || s.startsWith('*') || s.startsWith('/*');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('src/', () => {
  it(`has no block of more than ${WINDOW - 1} lines written twice`, () => {
    const seen = new Map<string, string>();
    const repeated: string[] = [];
    for (const file of files(SRC)) {
      const lines = fs.readFileSync(file, 'utf8').split('\n').map((l, i) => ({ n: i + 1, s: shape(l) })).filter((l) => l.s !== '' && !thin(l.s));
      for (let i = 0; i + WINDOW <= lines.length; i++) {
        const block = lines.slice(i, i + WINDOW);
        const key = block.map((l) => l.s).join('\n');
        const here = `${path.relative(SRC, file)}:${block[0]!.n}-${block.at(-1)!.n}`;
        const first = seen.get(key);
        if (first && !first.startsWith(`${path.relative(SRC, file)}:`)) repeated.push(`${here} repeats ${first}`);
        else if (!first) seen.set(key, here);
      }
    }
    expect(repeated).toEqual([]);
  });
});
