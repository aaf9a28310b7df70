import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { main } from '../../src/cli/main';
import { InvalidArgumentError } from '../../src/errors';
import { journalLines } from '../../src/interop/journal-export';
import { replayJournal } from '../../src/interop/journal-replay';
import { distributionFromOptuna, distributionToOptuna } from '../../src/interop/optuna-distributions';
import { exportOptunaJournal, importOptunaJournal } from '../../src/interop/optuna-journal';
import { parsePythonJSON, PyFloat, toPythonJSON } from '../../src/interop/python-json';
import { CategoricalDistribution, FloatDistribution, IntDistribution } from '../../src/space/distributions';
import { InMemoryStorage } from '../../src/storage/memory';
import { SqliteStorage } from '../../src/storage/sqlite';
import type { Storage } from '../../src/storage/base';
import type { FrozenTrial } from '../../src/trial/frozen-trial';
import { hyperbandStudy, twoObjectiveStudy } from '../report/studies';

const SAMPLES = join(__dirname, '..', '..', '..', 'shared', 'optuna-journal-samples');
const sample = (name: string): string => readFileSync(join(SAMPLES, name), 'utf8');

describe('Python-flavoured JSON', () => {
  it('writes NaN and ±Infinity as Python tokens and floats with a point', () => {
    expect(toPythonJSON({ a: [NaN, Infinity, -Infinity, 1, new PyFloat(2), new PyFloat(0.5)], s: 'NaN "x"' })).toBe(
      '{"a": [NaN, Infinity, -Infinity, 1, 2.0, 0.5], "s": "NaN \\"x\\""}',
    );
  });

  it('reads the tokens back, leaving strings that spell them alone', () => {
    expect(
      parsePythonJSON('{"v": [NaN, -Infinity, Infinity], "s": "Infinity \\" NaN", "n": -1.5e3}', 'line 1'),
    ).toEqual({
      v: [NaN, -Infinity, Infinity],
      s: 'Infinity " NaN',
      n: -1500,
    });
    expect(() => parsePythonJSON('{"v": nope}', 'line 7')).toThrow(/line 7/);
  });
});

describe('distributions in Optuna JSON', () => {
  it('round-trip float, log float, stepped float, int, log int and categorical', () => {
    for (const d of [
      new FloatDistribution(-1, 1),
      new FloatDistribution(1e-4, 1e-1, true),
      new FloatDistribution(0, 1, false, 0.25),
      new IntDistribution(1, 9, false, 2),
      new IntDistribution(1, 8, true),
      new CategoricalDistribution(['a', null, 2, true]),
    ]) {
      expect(distributionFromOptuna(distributionToOptuna(d), 'd').toJSON()).toEqual(d.toJSON());
    }
    expect(distributionToOptuna(new FloatDistribution(-1, 1))).toBe(
      '{"name": "FloatDistribution", "attributes": {"step": null, "low": -1.0, "high": 1.0, "log": false}}',
    );
  });

  it('reads the pre-3.0 names and refuses unknown ones', () => {
    expect(
      distributionFromOptuna(
        '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1}}',
        'd',
      ).toJSON(),
    ).toEqual(new FloatDistribution(0.001, 1, true).toJSON());
    expect(
      distributionFromOptuna(
        '{"name": "IntUniformDistribution", "attributes": {"low": 0, "high": 4, "step": 2}}',
        'd',
      ).toJSON(),
    ).toEqual(new IntDistribution(0, 4, false, 2).toJSON());
    expect(() => distributionFromOptuna('{"name": "Weird", "attributes": {}}', 'line 3.distribution')).toThrow(
      /line 3.distribution.name: got "Weird"; expected FloatDistribution/,
    );
  });
});

describe.each([
  ['optuna31_sample.log', { 'nsga2:generation': 0 }],
  ['optuna50_sample.log', {}],
])('the journal %s written by Optuna', (file, moSystemAttrs) => {
  it('replays to the studies Optuna holds', () => {
    const [demo, mo] = replayJournal(sample(file));
    expect(demo?.studyName).toBe('demo');
    expect(demo?.directions).toEqual(['maximize']);
    expect(demo?.userAttrs).toEqual({ u: 1 });
    const t0 = demo?.trials[0];
    expect(t0?.state).toBe('COMPLETE');
    expect(Object.keys(t0?.params ?? {}).sort()).toEqual(['c', 'x', 'y', 'z']);
    expect(t0?.values).toEqual([t0?.params['x']]);
    expect(['a', null, 2]).toContain(t0?.params['c']);
    expect(t0?.distributions['y']?.toJSON()).toEqual(new IntDistribution(1, 8, true).toJSON());
    expect(t0?.intermediateValues).toEqual(new Map([[0, Infinity]]));
    expect(t0?.userAttrs).toEqual({ k: 'v' });
    expect(t0?.datetimeComplete?.getTime()).toBeGreaterThan(t0?.datetimeStart?.getTime() ?? Infinity);
    expect(demo?.trials[1]).toMatchObject({
      number: 1,
      state: 'WAITING',
      systemAttrs: { fixed_params: { x: 0.1 } },
      datetimeStart: null,
    });
    expect(mo?.directions).toEqual(['minimize', 'maximize']);
    expect(mo?.trials.map((t) => [t.number, t.state, t.values?.length, t.systemAttrs])).toEqual([
      [0, 'COMPLETE', 2, moSystemAttrs],
    ]);
  });

  it('imports into SQLite with the same trials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-import-'));
    const storage = new SqliteStorage(join(dir, 'in.db'));
    try {
      expect(await importOptunaJournal(storage, sample(file))).toEqual([
        { studyName: 'demo', trials: 2 },
        { studyName: 'mo', trials: 1 },
      ]);
      const replayed = replayJournal(sample(file));
      for (const s of replayed) {
        const trials = await storage.getAllTrials(await storage.getStudyIdByName(s.studyName));
        expect(trials.map(comparable)).toEqual(s.trials.map(comparable));
      }
    } finally {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** What a round trip must keep: everything but ids and times. */
function comparable(
  t: Pick<
    FrozenTrial,
    'number' | 'state' | 'values' | 'params' | 'intermediateValues' | 'userAttrs' | 'systemAttrs' | 'distributions'
  >,
): unknown {
  return {
    number: t.number,
    state: t.state,
    values: t.values,
    params: t.params,
    distributions: Object.fromEntries(Object.entries(t.distributions).map(([k, d]) => [k, d.toJSON()])),
    intermediate: [...t.intermediateValues].sort(([a], [b]) => a - b),
    userAttrs: t.userAttrs,
    systemAttrs: t.systemAttrs,
  };
}

async function trialsOf(storage: Storage, name: string): Promise<unknown[]> {
  return (await storage.getAllTrials(await storage.getStudyIdByName(name))).map(comparable);
}

describe('our studies through the journal', () => {
  it('export then import keeps every study, trial, state, param, value and attribute', async () => {
    const source = new InMemoryStorage();
    await hyperbandStudy(source, 'hb', 12);
    await twoObjectiveStudy(source, 'mo', 6);
    const sid = await source.getStudyIdByName('mo');
    const extra = await source.createTrial(sid, {
      state: 'WAITING',
      params: { width: 3 },
      distributions: { width: new IntDistribution(1, 32) },
    });
    expect(extra).not.toBeNull();
    const running = await source.createTrial(sid);
    await source.setTrialIntermediateValue(running?.trialId ?? -1, 0, -Infinity);
    const text = await exportOptunaJournal(source);
    expect(text).toContain('-Infinity');
    expect(text.split('\n').every((l) => l === '' || /^\{"op_code": [0-9], /.test(l))).toBe(true);

    const target = new InMemoryStorage();
    await importOptunaJournal(target, text);
    for (const name of ['hb', 'mo']) expect(await trialsOf(target, name)).toEqual(await trialsOf(source, name));
    const [a, b] = [await source.getStudy(sid), await target.getStudy(await target.getStudyIdByName('mo'))];
    expect([b.directions, b.systemAttrs, b.userAttrs]).toEqual([a.directions, a.systemAttrs, a.userAttrs]);
    // Export again: the same text but for the times the import stamped.
    const strip = (s: string): string => s.replace(/"datetime_(start|complete)": "[^"]*"/g, '');
    expect(strip(await exportOptunaJournal(target))).toBe(strip(text));
  });

  it('numbers studies and trials by line order, as Optuna reads them', () => {
    const lines = journalLines([]);
    expect(lines).toEqual([]);
    const text = [
      '{"op_code": 0, "worker_id": "w", "study_name": "a", "directions": [1]}',
      '{"op_code": 0, "worker_id": "w", "study_name": "a", "directions": [1]}', // duplicate name: ignored
      '{"op_code": 0, "worker_id": "w", "study_name": "b", "directions": [2]}',
      '{"op_code": 4, "worker_id": "w", "study_id": 1, "datetime_start": "2026-01-01T00:00:00.000000"}',
      '{"op_code": 4, "worker_id": "w", "study_id": 0, "datetime_start": "2026-01-01T00:00:01.000000"}',
      '{"op_code": 7, "worker_id": "w", "trial_id": 0, "step": 3, "intermediate_value": NaN}',
      '{"op_code": 6, "worker_id": "w", "trial_id": 1, "state": 3, "values": null, "datetime_complete": "2026-01-01T00:00:02.000000"}',
      '{"op_code": 8, "worker_id": "w", "trial_id": 1, "user_attr": {"late": 1}}', // finished: ignored
      '{"op_code": 1, "worker_id": "w", "study_id": 0}',
    ].join('\n');
    const studies = replayJournal(text);
    expect(studies.map((s) => s.studyName)).toEqual(['b']);
    expect(studies[0]?.trials[0]?.intermediateValues.get(3)).toBeNaN();
  });

  it('refuses operation code 10 and malformed lines, naming the line', () => {
    expect(() => replayJournal('{"op_code": 10, "worker_id": "w"}')).toThrow(InvalidArgumentError);
    expect(() => replayJournal('\n{"op_code": 10, "worker_id": "w"}')).toThrow(/line 2.op_code: got 10; expected 0-9/);
    expect(() => replayJournal('{"op_code": 0, "worker_id": "w", "study_name": "a", "directions": [0]}')).toThrow(
      /line 1.directions/,
    );
  });

  it('tfjs-tune export and import work through SQLite files and stop on a name clash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-cli-'));
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
    try {
      const src = new SqliteStorage(join(dir, 'a.db'));
      await twoObjectiveStudy(src, 'mo', 5);
      await src.close();
      const journal = join(dir, 'mo.log');
      expect(
        await main(
          ['export', 'mo', '--storage', `sqlite:${join(dir, 'a.db')}`, '--format', 'optuna-journal', '--out', journal],
          io,
        ),
      ).toBe(0);
      expect(await main(['import', journal, '--storage', `sqlite:${join(dir, 'b.db')}`], io)).toBe(0);
      expect(out.join('')).toContain('imported study "mo" (5 trials)');
      expect(await main(['import', journal, '--storage', `sqlite:${join(dir, 'b.db')}`], io)).toBe(1);
      expect(out.join('')).toMatch(/study "mo" is already in the storage/);
      expect(
        await main(['export', '--storage', `sqlite:${join(dir, 'a.db')}`, '--format', 'csv', '--out', journal], io),
      ).toBe(2);
      const [a, b] = [new SqliteStorage(join(dir, 'a.db')), new SqliteStorage(join(dir, 'b.db'))];
      expect(await trialsOf(b, 'mo')).toEqual(await trialsOf(a, 'mo'));
      await a.close();
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
