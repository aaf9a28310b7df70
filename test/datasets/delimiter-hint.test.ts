import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { checkDelimiter } from '../../datasets/delimiter-hint';
import { loadCsv } from '../../datasets/load-csv';

describe('a CSV read with the wrong delimiter', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-delim-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('hints at delimiter ";" for a semicolon file read with the default, decimal commas and all', async () => {
    const file = join(dir, 'semi.csv');
    writeFileSync(file, 'a;b;label\n1,5;2,25;yes\n0,5;1;no\n');
    await expect(loadCsv(file, { label: 'label' })).rejects.toThrow(
      /semi\.csv:1: the first line is one column with ";" in it.*set delimiter: ";"/,
    );
    const read = await loadCsv(file, { label: 'label', delimiter: ';' }).then(
      () => 'read',
      (e: Error) => e.message,
    );
    // With the right delimiter the hint is gone (the decimal commas are then the loader's business).
    expect(read).not.toMatch(/set delimiter/);
  });

  it('says nothing when the first record has several fields, and names tabs', () => {
    expect(() => checkDelimiter(['a', 'b;c'], ',', 'f.csv')).not.toThrow();
    expect(() => checkDelimiter(['abc'], ',', 'f.csv')).not.toThrow();
    expect(() => checkDelimiter(['a\tb'], ',', 'f.csv')).toThrow(/separated by "\\t" \(tab\), not ","/);
    expect(() => checkDelimiter(['a,b'], ';', 'f.csv')).toThrow(/set delimiter: ","/);
  });
});
