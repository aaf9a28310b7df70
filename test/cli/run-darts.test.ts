import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tune from '../../src';
import { main } from '../../src/cli/main';
import { loadConfig } from '../../src/cli/config/load-config';
import { validateConfig } from '../../src/cli/config/schema';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const data = 'dataset: { name: synthetic-cifar, nTrain: 8, nVal: 8, classes: 3, imageSize: 8, seed: 1 }';

describe('model: darts in tfjs-tune run', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfjs-tune-darts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads examples/cifar-darts.yaml', () => {
    const config = loadConfig(join(__dirname, '..', '..', 'examples', 'cifar-darts.yaml'), () => undefined);
    expect(config.model).toBe('darts');
    expect(config.darts?.search).toMatchObject({
      channels: 8,
      cells: 3,
      earlyStopSkips: 2,
      alpha: { learningRate: 0.003 },
    });
  });

  it('refuses a bad darts block naming the key', () => {
    const valid = (raw: object) => validateConfig({ dataset: 'synthetic-cifar', ...raw }, { studyFromFile: 'x' });
    expect(valid({ model: 'darts' }).darts).toBeNull();
    expect(valid({ model: 'darts', epochs: 4, darts: { search: {} } }).darts).toMatchObject({
      search: { epochs: 4, channels: 8, cells: 5 },
      retrain: { epochs: 4, channels: 8, cells: 5 },
    });
    expect(() => valid({ model: 'cnn', darts: { search: {} } })).toThrow(/^darts: .*left out unless model: darts/);
    expect(() => valid({ model: 'darts', darts: { search: { epoch: 2 } } })).toThrow(
      /^darts\.search\.epoch: got 2; expected a known key: one of epochs, batchSize/,
    );
    expect(() => valid({ model: 'darts', darts: { search: { alpha: { lr: 1 } } } })).toThrow(
      /^darts\.search\.alpha\.lr: /,
    );
    expect(() => valid({ model: 'darts', darts: { search: { order: 'zeroth' } } })).toThrow(
      /^darts\.search\.order: got "zeroth"/,
    );
    expect(() => valid({ model: 'darts', darts: { search: {}, retrain: { cells: 0 } } })).toThrow(
      /^darts\.retrain\.cells: got 0; expected an integer >= 1/,
    );
    expect(() => valid({ model: 'darts', darts: { search: {} }, parameters: { cells: { value: 3 } } })).toThrow(
      /^parameters: .*left out with darts\.search/,
    );
    expect(() => valid({ model: 'darts', darts: { retrain: {} } })).toThrow(/^darts\.search: got undefined/);
  });

  it('runs the bilevel search, then retrains the genotype from scratch, printing both', async () => {
    const cfg = join(dir, 'darts.yaml');
    writeFileSync(
      cfg,
      [
        'study: darts-search',
        'model: darts',
        data,
        'seed: 3',
        'darts:',
        '  search: { epochs: 1, batchSize: 8, channels: 4, cells: 1, earlyStopSkips: 2 }',
        '  retrain: { epochs: 1, cells: 3, batchSize: 8 }',
      ].join('\n'),
    );
    const storage = `sqlite:${join(dir, 'runs.db')}`;
    const r = await cli(['run', cfg, '--storage', storage]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/DARTS search \(first order, 1 epochs, C=4, 1 cells\)/);
    expect(r.out).toMatch(/DARTS search, trial 0: 1 epoch\(s\)/);
    expect(r.out).toMatch(/^normal: .*\(0\)/m);
    expect(r.out).toMatch(/retrained from scratch \(C=4, 3 cells, 1 epochs\): val_acc \d\.\d{4}/);
    const json = /genotype JSON: (.*)/.exec(r.out)?.[1] ?? '';
    const study = await tune.loadStudy({ studyName: 'darts-search', storage, logger: tune.logging.silentLogger });
    expect(tune.models.genotypeFromJson(json)).toEqual(study.trials[0]!.userAttrs['genotype']);
    expect(study.userAttrs['darts_retrain']).toMatchObject({ epochs: 1, cells: 3 });
    await study.storage.close();
  }, 60_000);

  it("samples genotypes with the config's method, as for any zoo model", async () => {
    const cfg = join(dir, 'sampled.yaml');
    writeFileSync(
      cfg,
      [
        'study: darts-sampled',
        'model: darts',
        data,
        'method: tpe',
        'parameters:',
        '  channels: { value: 4 }',
        '  cells: { value: 1 }',
        '  batch_size: { value: 16 }',
        '  normal_node0_op0: { values: [sep_conv_3x3, skip_connect] }',
        'epochs: 1',
        'trials: 2',
        'seed: 4',
      ].join('\n'),
    );
    const storage = `sqlite:${join(dir, 'runs.db')}`;
    const r = await cli(['run', cfg, '--storage', storage, '--workers', '1', '--json']);
    expect(r.code).toBe(0);
    const study = await tune.loadStudy({ studyName: 'darts-sampled', storage, logger: tune.logging.silentLogger });
    expect(study.trials.map((t) => t.state)).toEqual(['COMPLETE', 'COMPLETE']);
    for (const t of study.trials) {
      expect(['sep_conv_3x3', 'skip_connect']).toContain(t.params['normal_node0_op0']);
      expect(() => tune.models.genotypeFromParams(t.params)).not.toThrow();
    }
    await study.storage.close();
  }, 120_000);
});
