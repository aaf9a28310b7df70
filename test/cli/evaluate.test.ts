import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { applyPreprocessor } from '../../datasets/preprocess/apply';
import { loadCsv } from '../../datasets/load-csv';
import { main } from '../../src/cli/main';
import { loadTrainedModel } from '../../src/training/evaluate/trained-model';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

/** Three classes told apart by two numeric features (with missing-value tokens) and a colour. */
function csvRows(n: number, offset: number): string[] {
  const species = ['setosa', 'versicolor', 'virginica'];
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = (i + offset) % 3;
    const jitter = (((i * 7919) % 101) / 101 - 0.5) * 0.8;
    const a = i % 17 === 0 ? 'NA' : String(100 + c * 50 + jitter * 40); // unscaled on purpose
    const b = i % 13 === 0 ? '?' : String(c * 0.01 + jitter * 0.004);
    rows.push(`${a},${b},${['red', 'green', 'blue'][(c + (i % 5 === 0 ? 1 : 0)) % 3]},${species[c]}`);
  }
  return rows;
}

describe('tfjs-tune evaluate / predict / export-model', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-eval-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores held-out files with the stored encoding and class list; reloads and exports the model', async () => {
    const header = 'a,b,colour,species';
    const train = join(dir, 'train.csv');
    writeFileSync(train, [header, ...csvRows(150, 0)].join('\n'));
    const full = join(dir, 'full.csv');
    const fullRows = csvRows(45, 1);
    writeFileSync(full, [header, ...fullRows].join('\n'));
    const partial = join(dir, 'no-setosa.csv');
    writeFileSync(partial, [header, ...fullRows.filter((r) => !r.endsWith('setosa'))].join('\n'));
    const cfg = join(dir, 'iris.yaml');
    writeFileSync(
      cfg,
      [
        'study: iris',
        'model: mlp',
        `dataset: { csv: ${JSON.stringify(train)}, label: species, testFraction: 0.2 }`,
        'method: random',
        'trials: 2',
        'epochs: 4',
        'refit: true',
        'parameters:',
        '  num_layers: { value: 1 }',
        '  batch_size: { value: 16 }',
        '  learning_rate: { value: 0.01 }',
        'seed: 2',
      ].join('\n'),
    );
    const storage = `sqlite:${join(dir, 'iris.db')}`;
    const run = await cli(['run', cfg, '--storage', storage, '--workers', '1', '--quiet']);
    expect(run.code).toBe(0);

    // The config's own test part, with the refit model (refit: true).
    const onTest = await cli(['evaluate', 'iris', '--storage', storage, '--json']);
    expect(onTest.code).toBe(0);
    const testScores = JSON.parse(onTest.out) as {
      refit: boolean;
      metric: { name: string; value: number };
      scores: { n: number; accuracy: number; confusion: number[][]; perClass: { support: number }[] };
    };
    expect(testScores.refit).toBe(true);
    expect(testScores.metric.name).toBe('val_acc');
    expect(testScores.metric.value).toBe(testScores.scores.accuracy);
    expect(testScores.scores.n).toBe(30);
    expect(testScores.scores.perClass.map((c) => c.support)).toEqual([10, 10, 10]);

    // A file missing a class scores as the full file restricted to the other classes' rows.
    const scoresOf = async (
      file: string,
    ): Promise<{ accuracy: number; confusion: number[][]; classNames: string[] }> => {
      const r = await cli(['evaluate', 'iris', '--storage', storage, '--trial', '0', '--data', file, '--json']);
      expect(r.code).toBe(0);
      return (JSON.parse(r.out) as { scores: { accuracy: number; confusion: number[][]; classNames: string[] } })
        .scores;
    };
    const all = await scoresOf(full);
    const some = await scoresOf(partial);
    expect(some.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(some.confusion[0]).toEqual([0, 0, 0]);
    expect(some.confusion.slice(1)).toEqual(all.confusion.slice(1));
    const kept = (all.confusion[1] as number[]).concat(all.confusion[2] as number[]);
    expect(some.accuracy).toBeCloseTo(
      ((all.confusion[1]?.[1] ?? 0) + (all.confusion[2]?.[2] ?? 0)) / kept.reduce((x, y) => x + y, 0),
      12,
    );
    const text = await cli(['evaluate', 'iris', '--storage', storage, '--data', full]);
    expect(text.out).toMatch(/accuracy: .*\n[\s\S]*precision\s+recall\s+f1\s+support[\s\S]*true \\ predicted/);

    // An unseen label is an error naming it.
    const odd = join(dir, 'odd.csv');
    writeFileSync(odd, `${header}\n1,0.1,red,setosa\n2,0.2,red,sunflower\n`);
    const bad = await cli(['evaluate', 'iris', '--storage', storage, '--data', odd]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/odd\.csv:3, column "species".*label "sunflower" was never seen in training/);

    // predict: one row per input row, also for a file without the label column.
    const features = join(dir, 'features.csv');
    writeFileSync(features, 'colour,a,b\nred,100,0.0\nblue,200,0.02\n');
    const pred = await cli(['predict', 'iris', '--storage', storage, '--data', features]);
    expect(pred.code).toBe(0);
    const lines = pred.out.trim().split('\n');
    expect(lines[0]).toBe('row,prediction,p_setosa,p_versicolor,p_virginica');
    expect(lines).toHaveLength(3);

    // The refit model and its preprocess.json reproduce the predictions in a fresh process.
    const refitDir = join(dir, 'tfjs-tune-checkpoints', 'iris', 'refit');
    const trained = await loadTrainedModel(refitDir);
    const raw = await loadCsv(full, {
      label: 'species',
      categorical: ['colour'],
      classNames: trained.classNames ?? [],
      logger: { info: () => undefined, warn: () => undefined },
    });
    const here = Array.from(trained.predict(raw));
    const register = require.resolve('../helpers/register-ts.js');
    const fresh = JSON.parse(
      execFileSync(
        process.execPath,
        ['-r', register, require.resolve('./fixtures/predict-in-fresh-process.ts'), refitDir, full, 'species'],
        {
          encoding: 'utf8',
        },
      ),
    ) as number[];
    expect(fresh).toHaveLength(here.length);
    fresh.forEach((v, i) => expect(v).toBeCloseTo(here[i] as number, 5));

    // export-model: stock class names only; plain tfjs in a fresh process gives the same outputs.
    const out = join(dir, 'exported');
    const exported = await cli(['export-model', 'iris', '--storage', storage, '--out', out]);
    expect(exported.code).toBe(0);
    expect(readFileSync(join(out, 'model.json'), 'utf8')).not.toMatch(/"class_name":"(TfjsTune|Dilated)/);
    const encoded = applyPreprocessor(JSON.parse(readFileSync(join(out, 'preprocess.json'), 'utf8')), raw);
    const inputFile = join(dir, 'encoded.json');
    writeFileSync(inputFile, JSON.stringify({ x: Array.from(encoded.x), shape: encoded.xShape }));
    const stock = JSON.parse(
      execFileSync(process.execPath, [require.resolve('./fixtures/load-exported-stock.js'), out, inputFile], {
        encoding: 'utf8',
      }),
    ) as number[];
    stock.forEach((v, i) => expect(v).toBeCloseTo(here[i] as number, 5));
    trained.dispose();
    expect(tf.memory().numTensors).toBe(0);
  }, 240_000);
});
