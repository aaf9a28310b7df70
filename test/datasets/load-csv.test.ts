import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { DatasetFormatError } from '../../datasets/errors';
import { loadCsv, parseCsv } from '../../src/api/datasets';

describe('parseCsv (RFC 4180)', () => {
  it('handles quoted delimiters, doubled quotes, line breaks in quotes, CRLF and a BOM', () => {
    const text = '\uFEFFname,note,n\r\n"Smith, J","said ""hi""",1\r\n"two\nlines",,2\n\n"",x,3';
    const { rows, lines } = parseCsv(text, 'f.csv');
    expect(rows).toEqual([
      ['name', 'note', 'n'],
      ['Smith, J', 'said "hi"', '1'],
      ['two\nlines', '', '2'],
      ['', 'x', '3'],
    ]);
    expect(lines).toEqual([1, 2, 3, 6]);
  });

  it('supports another delimiter and a file without a final newline', () => {
    expect(parseCsv('a;b\n1;"2;3"', 'f', ';').rows).toEqual([
      ['a', 'b'],
      ['1', '2;3'],
    ]);
  });

  it('rejects text after a closing quote and an unclosed quote, with the line', () => {
    expect(() => parseCsv('a,b\n"x"y,1', 'f.csv')).toThrow(
      /f\.csv:2, column 1: unexpected "y" after the closing quote/,
    );
    expect(() => parseCsv('a,b\n1,2\n3,"open\n', 'f.csv')).toThrow(/f\.csv:3: a quoted field is never closed/);
    expect(() => parseCsv('a', 'f', '"')).toThrow(/delimiter/);
  });
});

describe('loadCsv', () => {
  let dir: string;
  const write = async (name: string, text: string): Promise<string> => {
    const file = path.join(dir, name);
    await fs.writeFile(file, text);
    return file;
  };
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tfjs-tune-csv-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads numeric features, string columns as category indices and string labels as sorted class ids', async () => {
    const file = await write(
      'iris.csv',
      [
        'sepal,colour,"city, state",species',
        '5.1,red,"Austin, TX",setosa',
        '-2e-1,blue,"Boston, MA",virginica',
        ' 7 ,red,"Austin, TX",versicolor',
        '.5,green,"Boston, MA",setosa',
      ].join('\n'),
    );
    const ds = await loadCsv(file, { label: 'species' });
    expect(ds.xShape).toEqual([4, 3]);
    expect(ds.featureNames).toEqual(['sepal', 'colour', 'city, state']);
    expect(ds.columns).toEqual([
      { name: 'sepal', kind: 'numeric' },
      { name: 'colour', kind: 'categorical', categories: ['blue', 'green', 'red'] },
      { name: 'city, state', kind: 'categorical', categories: ['Austin, TX', 'Boston, MA'] },
    ]);
    expect(Array.from(ds.x.subarray(0, 3))).toEqual([Math.fround(5.1), 2, 0]);
    expect(ds.x[3]).toBeCloseTo(-0.2, 6);
    expect(ds.x[6]).toBe(7);
    expect(ds.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(ds.y)).toEqual([0, 2, 1, 0]);
    expect(ds.numClasses).toBe(3);
  });

  it('treats numeric labels as classes when few integers, as regression otherwise; drops ignored columns', async () => {
    const ints = await write('ints.csv', 'id,x,y\n1,0.5,10\n2,1.5,2\n3,2.5,10\n');
    const cls = await loadCsv(ints, { label: 'y', ignore: ['id'] });
    expect(cls.classNames).toEqual(['2', '10']); // numeric order, not "10" < "2"
    expect(Array.from(cls.y)).toEqual([1, 0, 1]);
    expect(cls.featureNames).toEqual(['x']);
    const reals = await write('reals.csv', 'x,y\n1,0.25\n2,1.5\n');
    const reg = await loadCsv(reals, { label: 1 });
    expect(reg.numClasses).toBe(0);
    expect(Array.from(reg.yReal ?? [])).toEqual([0.25, 1.5]);
    expect(reg.y.length).toBe(0);
    const forced = await loadCsv(ints, { label: 'y', task: 'regression' });
    expect(Array.from(forced.yReal ?? [])).toEqual([10, 2, 10]);
  });

  it('reads a file without a header by column index, and treats listed columns as categorical', async () => {
    const file = await write('bare.tsv', '1\t90210\tyes\n2\t10001\tno\n');
    const ds = await loadCsv(file, { label: 2, header: false, delimiter: '\t', categorical: ['column_2'] });
    expect(ds.featureNames).toEqual(['column_1', 'column_2']);
    expect(ds.columns?.[1]).toEqual({ name: 'column_2', kind: 'categorical', categories: ['10001', '90210'] });
    expect(Array.from(ds.x)).toEqual([1, 1, 2, 0]);
    expect(ds.classNames).toEqual(['no', 'yes']);
  });

  it('rejects ragged rows, naming the file and line', async () => {
    const file = await write('ragged.csv', 'a,b,label\n1,2,x\n3,4\n5,6,y\n');
    await expect(loadCsv(file, { label: 'label' })).rejects.toThrow(DatasetFormatError);
    await expect(loadCsv(file, { label: 'label' })).rejects.toThrow(`${file}:3: has 2 fields; expected 3`);
  });

  it('rejects a non-number in a numeric column, naming line and column', async () => {
    const file = await write('typo.csv', 'a,b,label\n1,2,x\n"3",4,y\n5,six,x\n');
    await expect(loadCsv(file, { label: 'label' })).rejects.toThrow(
      `${file}:4, column "b" (field 2): expected a number in this numeric column, got "six"`,
    );
    const strings = await write('strings.csv', 'a,label\nred,x\nblue,y\n');
    await expect(loadCsv(strings, { label: 'label', categorical: 'none' })).rejects.toThrow(
      /strings\.csv:2, column "a".*"red"/,
    );
  });

  it('rejects a missing label column, listing the columns there are', async () => {
    const file = await write('nolabel.csv', 'a,b\n1,2\n');
    await expect(loadCsv(file, { label: 'target' })).rejects.toThrow(
      `${file}: label: no column "target"; the columns are "a", "b"`,
    );
    await expect(loadCsv(path.join(dir, 'absent.csv'), { label: 'a' })).rejects.toThrow(/absent\.csv: cannot read/);
  });

  it('reads a numeric column with NA, ?, - and empty fields as numeric with missing values, and says so once', async () => {
    const file = await write(
      'ambiguous.csv',
      'age,colour,label\nNA,red,x\n3,?,y\n?,blue,x\n-,red,y\n,red,x\n7,blue,y\n',
    );
    const notes: string[] = [];
    const logger = { info: (m: string) => notes.push(m), warn: (m: string) => notes.push(m) };
    const ds = await loadCsv(file, { label: 'label', logger });
    expect(ds.columns?.[0]).toEqual({ name: 'age', kind: 'numeric' });
    // A "?" among words is a category; only where the rest are numbers is it a missing value.
    expect(ds.columns?.[1]).toEqual({ name: 'colour', kind: 'categorical', categories: ['?', 'blue', 'red'] });
    const age = Array.from({ length: 6 }, (_, i) => ds.x[i * 2] as number);
    expect(age.map((v) => (Number.isNaN(v) ? 'missing' : v))).toEqual([
      'missing',
      3,
      'missing',
      'missing',
      'missing',
      7,
    ]);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('"age" ("-", "?", "NA")');
    const quiet: string[] = [];
    await loadCsv(await write('clean.csv', 'a,label\n1,x\n2,y\n'), {
      label: 'label',
      logger: { info: (m) => quiet.push(m), warn: (m) => quiet.push(m) },
    });
    expect(quiet).toEqual([]);
  });

  it('encodes labels with a trained class list and names a label it never saw', async () => {
    const file = await write('test-part.csv', 'a,label\n1,virginica\n2,setosa\n');
    const ds = await loadCsv(file, { label: 'label', classNames: ['setosa', 'versicolor', 'virginica'] });
    expect(Array.from(ds.y)).toEqual([2, 0]);
    expect(ds.numClasses).toBe(3);
    expect(ds.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    const numeric = await write('numeric-labels.csv', 'a,label\n1,2.0\n2,10\n');
    expect(Array.from((await loadCsv(numeric, { label: 'label', classNames: ['2', '10'] })).y)).toEqual([0, 1]);
    await expect(loadCsv(file, { label: 'label', classNames: ['setosa', 'versicolor'] })).rejects.toThrow(
      `${file}:2, column "label" (field 2): label "virginica" was never seen in training; the model's classes are "setosa", "versicolor"`,
    );
  });

  it('called without options, names the label field instead of throwing a TypeError', async () => {
    const file = await write('plain.csv', 'a,label\n1,x\n2,y\n');
    const call = loadCsv as unknown as (f: string, o?: unknown) => Promise<unknown>;
    await expect(call(file)).rejects.toThrow(/loadCsv\(file, options\).*label/);
    await expect(call(file, {})).rejects.toThrow(/^label: got .*; expected the label column/);
  });
});
