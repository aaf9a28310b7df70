import { InvalidArgumentError } from '../../src/errors';
import { contourData, contourPairs, idw } from '../../src/report/data/contour';
import { edfData } from '../../src/report/data/edf';
import { epochMetricsData } from '../../src/report/data/epoch-metrics';
import { epochSchedulesData } from '../../src/report/data/epoch-schedules';
import { studyPanels } from '../../src/report/panels';
import { historyData } from '../../src/report/data/history';
import { importanceData } from '../../src/report/data/importance';
import { intermediateData } from '../../src/report/data/intermediate';
import { parallelCoordinatesData } from '../../src/report/data/parallel-coordinates';
import { paretoData } from '../../src/report/data/pareto';
import { pbtLineageData } from '../../src/report/data/pbt-lineage';
import { sliceData } from '../../src/report/data/slice';
import { timelineData } from '../../src/report/data/timeline';
import { trialsTable } from '../../src/report/data/trials-table';
import { ACT, LR, study, trial, UNITS, X } from './fixtures';

describe('historyData', () => {
  it('lists COMPLETE finite values in number order with the best so far', () => {
    const s = study([
      trial({ number: 2, values: [3] }),
      trial({ number: 0, values: [5] }),
      trial({ number: 1, state: 'PRUNED', steps: { 0: 1 } }),
      trial({ number: 3, values: [Infinity] }),
      trial({ number: 4, values: [4] }),
      trial({ number: 5, state: 'FAIL' }),
      trial({ number: 6, values: [1] }),
    ]);
    const d = historyData(s);
    expect(d.points.map((p) => [p.number, p.value, p.bestSoFar, p.isNewBest])).toEqual([
      [0, 5, 5, true],
      [2, 3, 3, true],
      [4, 4, 3, false],
      [6, 1, 1, true],
    ]);
    expect(d.label).toBe('value');
  });

  it('follows the direction and the objective index', () => {
    const trials = [
      trial({ number: 0, values: [1, 9] }),
      trial({ number: 1, values: [2, 3] }),
      trial({ number: 2, values: [0, 5] }),
    ];
    const s = study(trials, ['maximize', 'minimize']);
    expect(historyData(s, 0).points.map((p) => p.bestSoFar)).toEqual([1, 2, 2]);
    expect(historyData(s, 1).points.map((p) => p.bestSoFar)).toEqual([9, 3, 3]);
    expect(historyData(s, 1).label).toBe('values[1]');
    expect(() => historyData(s, 2)).toThrow(InvalidArgumentError);
    expect(() => historyData(s, 2)).toThrow(/objective.*\[0, 1\]/);
  });

  it('lets only feasible trials move the best (Optuna constraints)', () => {
    const s = study([
      trial({ number: 0, values: [5], systemAttrs: { constraints: [-1, 0] } }),
      trial({ number: 1, values: [1], systemAttrs: { constraints: [0.5] } }),
      trial({ number: 2, values: [4], systemAttrs: { constraints: [-2] } }),
    ]);
    const d = historyData(s);
    expect(d.points.map((p) => [p.feasible, p.bestSoFar])).toEqual([
      [true, 5],
      [false, 5],
      [true, 4],
    ]);
  });

  it('starts with no best when the first trials are infeasible', () => {
    const d = historyData(study([trial({ number: 0, values: [1], systemAttrs: { constraints: [1] } })]));
    expect(d.points[0]?.bestSoFar).toBeNull();
  });
});

describe('intermediateData', () => {
  it('gives curves in step order with states, skipping non-finite values and silent trials', () => {
    const s = study([
      trial({ number: 1, state: 'PRUNED', steps: { 2: 0.5, 0: 0.9, 1: NaN } }),
      trial({ number: 0, steps: { 0: 1, 1: 0.8 } }),
      trial({ number: 2 }),
    ]);
    const d = intermediateData(s);
    expect(d.curves.map((c) => [c.number, c.state, c.points.map((p) => p.step)])).toEqual([
      [0, 'COMPLETE', [0, 1]],
      [1, 'PRUNED', [0, 2]],
    ]);
  });

  it('marks Hyperband rounds at the last step of completed slots, with the parent', () => {
    const slot = (round: number, initialEpoch: number, epochs: number, parent: number | null) => ({
      hyperband: { iteration: 0, bracket: 1, round, initialEpoch, epochs, parent },
    });
    const s = study([
      trial({ number: 0, steps: { 0: 0.9, 1: 0.7 }, systemAttrs: slot(0, 0, 2, null) }),
      trial({ number: 1, steps: { 2: 0.6, 3: 0.5, 4: 0.4, 5: 0.3 }, systemAttrs: slot(1, 2, 6, 0) }),
      trial({ number: 2, state: 'FAIL', steps: { 0: 0.95 }, systemAttrs: slot(0, 0, 2, null) }),
    ]);
    const d = intermediateData(s);
    expect(d.curves.map((c) => [c.number, c.rungs, c.parent])).toEqual([
      [0, [{ step: 1, value: 0.7, rung: 0, bracket: 1 }], null],
      [1, [{ step: 5, value: 0.3, rung: 1, bracket: 1 }], 0],
      [2, [], null],
    ]);
  });

  it('places the ASHA pruner rungs at the steps whose values were recorded', () => {
    const s = study([
      trial({
        number: 0,
        state: 'PRUNED',
        steps: { 0: 0.9, 1: 0.8, 3: 0.8, 4: 0.7 },
        systemAttrs: { completed_rung_0: 0.8, completed_rung_1: 0.8, completed_rung_2: 0.1, other: 3 },
      }),
    ]);
    expect(intermediateData(s).curves[0]?.rungs).toEqual([
      { step: 1, value: 0.8, rung: 0, bracket: null },
      { step: 1, value: 0.8, rung: 1, bracket: null },
    ]);
  });
});

describe('parallelCoordinatesData', () => {
  const s = study([
    trial({ number: 0, values: [1], params: { lr: [1e-4, LR], act: ['relu', ACT], units: [8, UNITS] } }),
    trial({
      number: 1,
      values: [3],
      params: { lr: [1e-1, LR], act: ['<script>alert(1)</script>', ACT], units: [64, UNITS] },
    }),
    trial({ number: 2, values: [2], params: { lr: [1e-2, LR], act: ['tanh', ACT] } }), // lacks units
    trial({ number: 3, state: 'PRUNED', params: { lr: [1e-3, LR], act: ['relu', ACT], units: [10, UNITS] } }),
  ]);

  it('normalises each axis (log in log space, choices evenly spaced) and drops trials lacking a parameter', () => {
    const d = parallelCoordinatesData(s);
    expect(d.axes.map((a) => a.name)).toEqual(['act', 'lr', 'units']);
    expect(d.lines.map((l) => l.number)).toEqual([0, 1]);
    expect(d.objectiveRange).toEqual([1, 3]);
    expect(d.lines[0]?.positions).toEqual([0, 0, 0, 0]);
    expect(d.lines[1]?.positions).toEqual([1, 1, 1, 1]);
    expect(d.lines[1]?.labels).toEqual(['3', '<script>alert(1)</script>', '0.1', '64']);
  });

  it('puts a log value between the ends in log space', () => {
    const t = [
      trial({ number: 0, values: [0], params: { lr: [1e-3, LR] } }),
      trial({ number: 1, values: [1], params: { lr: [1e-2, LR] } }),
    ];
    const d = parallelCoordinatesData(study(t));
    expect(d.lines[0]?.positions[1]).toBeCloseTo(1 / 3, 12);
    expect(d.lines[1]?.positions[1]).toBeCloseTo(2 / 3, 12);
  });
});

describe('sliceData', () => {
  it('gives one series per parameter with the trials that used it', () => {
    const s = study([
      trial({ number: 0, values: [4], params: { x: [1.5, X], act: [null, ACT] } }),
      trial({ number: 1, values: [2], params: { x: [-3, X] } }),
      trial({ number: 2, state: 'FAIL', params: { x: [0, X] } }),
    ]);
    const d = sliceData(s);
    expect(d.params.map((p) => [p.axis.name, p.points])).toEqual([
      ['act', [{ number: 0, x: 'null', value: 4 }]],
      [
        'x',
        [
          { number: 0, x: 1.5, value: 4 },
          { number: 1, x: -3, value: 2 },
        ],
      ],
    ]);
  });
});

describe('contourData', () => {
  const s = study([
    trial({ number: 0, values: [0], params: { x: [-10, X], lr: [1e-4, LR] } }),
    trial({ number: 1, values: [10], params: { x: [10, X], lr: [1e-1, LR] } }),
    trial({ number: 2, values: [5], params: { x: [0, X] } }),
  ]);

  it('interpolates on a grid whose corner cells lean to the nearby trial', () => {
    const d = contourData(s, 'x', 'lr', { resolution: 4 });
    expect(d.xBins).toHaveLength(4);
    expect(d.points.map((p) => p.number)).toEqual([0, 1]);
    const at = (xi: number, yi: number): number => d.cells.find((c) => c.xBin === xi && c.yBin === yi)?.value ?? NaN;
    expect(at(0, 0)).toBeLessThan(2);
    expect(at(3, 3)).toBeGreaterThan(8);
    expect(at(0, 3)).toBeCloseTo(5, 10); // equidistant
    const lrBins = d.yBins.map((b) => (b.kind === 'numeric' ? [b.from, b.to] : []));
    expect(lrBins[0]?.[0]).toBeCloseTo(1e-4, 12);
    expect(lrBins[1]?.[0]).toBeCloseTo(10 ** -3.25, 12);
  });

  it('gives a categorical axis one bin per choice', () => {
    const t = [trial({ number: 0, values: [1], params: { x: [0, X], act: ['tanh', ACT] } })];
    const d = contourData(study(t), 'act', 'x', { resolution: 3 });
    expect(d.xBins.map((b) => (b.kind === 'categorical' ? b.choice : ''))).toEqual(ACT.choices.map(String));
    expect(d.cells).toHaveLength(9);
  });

  it('refuses unknown parameters and bad options, naming them', () => {
    expect(() => contourData(s, 'x', 'nope')).toThrow(/yParam.*"nope".*x, lr|yParam.*"nope".*lr, x/);
    expect(() => contourData(s, 'x', 'x')).toThrow(/yParam/);
    expect(() => contourData(s, 'x', 'lr', { resolution: 1 })).toThrow(/options.resolution/);
  });

  it('idw returns the exact value at a data point', () => {
    const known = [
      { px: 0, py: 0, value: 1 },
      { px: 1, py: 1, value: 3 },
    ];
    expect(idw(known, 0, 0)).toBe(1);
    expect(idw(known, 0.5, 0.5)).toBeCloseTo(2, 12);
  });

  it('picks pairs among the most used parameters', () => {
    expect(contourPairs(s)).toEqual([['lr', 'x']]);
    const many = study([
      trial({ number: 0, values: [0], params: { a: [0, X], b: [0, X], c: [0, X], d: [0, X], e: [0, X] } }),
    ]);
    expect(contourPairs(many)).toHaveLength(6);
  });
});

describe('edfData', () => {
  it('steps through sorted values with ties merged', () => {
    const s = study([
      trial({ number: 0, values: [3] }),
      trial({ number: 1, values: [1] }),
      trial({ number: 2, values: [3] }),
      trial({ number: 3, values: [2] }),
      trial({ number: 4, state: 'PRUNED' }),
    ]);
    expect(edfData(s).points).toEqual([
      { value: 1, fraction: 0.25 },
      { value: 2, fraction: 0.5 },
      { value: 3, fraction: 1 },
    ]);
  });
});

describe('timelineData', () => {
  it('puts trials in worker lanes, relative to the first start, running ones up to the latest time', () => {
    const s = study([
      trial({ number: 0, start: 100, end: 110, systemAttrs: { owner: 'w-a' } }),
      trial({ number: 1, start: 105, end: 130, state: 'PRUNED', systemAttrs: { owner: 'w-b' } }),
      trial({ number: 2, start: 111, end: null, state: 'RUNNING', systemAttrs: { owner: 'w-a' } }),
      trial({ number: 3, start: null, end: null, state: 'WAITING' }),
      trial({ number: 4, start: 120, end: 121 }),
    ]);
    const d = timelineData(s);
    expect(d.workers).toEqual(['w-a', 'w-b', 'main']);
    expect(d.bars.map((b) => [b.number, b.worker, b.start, b.end, b.finished])).toEqual([
      [0, 'w-a', 0, 10000, true],
      [1, 'w-b', 5000, 30000, true],
      [2, 'w-a', 11000, 30000, false],
      [4, 'main', 20000, 21000, true],
    ]);
  });

  it('is empty when nothing started', () => {
    expect(timelineData(study([trial({ number: 0, state: 'WAITING', start: null })]))).toEqual({
      origin: null,
      workers: [],
      bars: [],
    });
  });
});

describe('paretoData', () => {
  it('flags the non-dominated feasible trials, front first', () => {
    const s = study(
      [
        trial({ number: 0, values: [1, 5] }),
        trial({ number: 1, values: [2, 2] }),
        trial({ number: 2, values: [3, 3] }), // dominated by 1
        trial({ number: 3, values: [0, 0], systemAttrs: { constraints: [1] } }), // infeasible
        trial({ number: 4, values: [5, 1] }),
        trial({ number: 5, state: 'PRUNED', values: null }),
      ],
      ['minimize', 'minimize'],
    );
    const d = paretoData(s);
    expect(d.points.map((p) => [p.number, p.onFront, p.feasible])).toEqual([
      [0, true, true],
      [1, true, true],
      [4, true, true],
      [2, false, true],
      [3, false, false],
    ]);
  });

  it('handles three objectives with mixed directions and refuses one', () => {
    const s = study(
      [
        trial({ number: 0, values: [1, 1, 1] }),
        trial({ number: 1, values: [1, 0, 1] }),
        trial({ number: 2, values: [0, 0, 1] }),
      ],
      ['minimize', 'maximize', 'minimize'],
    );
    expect(
      paretoData(s)
        .points.filter((p) => p.onFront)
        .map((p) => p.number),
    ).toEqual([0, 2]);
    expect(() => paretoData(study([]))).toThrow(/study.directions.*2 or 3/);
  });
});

describe('trialsTable', () => {
  it('has one row per trial with sortable keys and raw texts', () => {
    const s = study(
      [
        trial({ number: 1, state: 'FAIL', values: null, systemAttrs: { fail_reason: 'boom' } }),
        trial({
          number: 0,
          values: [0.5, Infinity],
          params: { act: ['<b>', ACT], units: [8, UNITS] },
          userAttrs: { note: { a: 1 } },
        }),
      ],
      ['minimize', 'maximize'],
    );
    const t = trialsTable(s);
    expect(t.columns).toEqual([
      'number',
      'state',
      'values[0]',
      'values[1]',
      'params.act',
      'params.units',
      'duration (s)',
      'user_attrs.note',
      'fail reason',
    ]);
    expect(t.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['0', 'COMPLETE', '0.5', 'Infinity', '<b>', '8', '5', '{"a":1}', ''],
      ['1', 'FAIL', '', '', '', '', '5', '', 'boom'],
    ]);
    expect(t.rows[0]?.[3]?.sort).toBe(Number.MAX_VALUE);
  });

  it('adds a feasible column only when the study has constraints', () => {
    const t = trialsTable(study([trial({ number: 0, systemAttrs: { constraints: [0.1] } })]));
    expect(t.columns).toContain('feasible');
    expect(t.rows[0]?.find((_, i) => t.columns[i] === 'feasible')?.text).toBe('false');
  });
});

describe('epochMetricsData', () => {
  it('gives one curve per metric and trial, seconds last, non-finite values left out', () => {
    const log = (entries: Record<string, number | null>[]) => ({ epoch_log: entries });
    const s = study([
      trial({
        number: 1,
        state: 'PRUNED',
        systemAttrs: log([
          { epoch: 1, loss: 0.5, seconds: 2 },
          { epoch: 0, loss: null, seconds: 1 },
        ]),
      }),
      trial({ number: 0, systemAttrs: log([{ epoch: 0, loss: 0.9, val_acc: 0.5, seconds: 1.5 }]) }),
      trial({ number: 2, systemAttrs: { epoch_log: 'garbage' } }),
    ]);
    const d = epochMetricsData(s);
    expect(d.metrics).toEqual(['loss', 'val_acc', 'seconds']);
    expect(d.series['loss']).toEqual([
      { number: 0, state: 'COMPLETE', points: [{ epoch: 0, value: 0.9 }] },
      { number: 1, state: 'PRUNED', points: [{ epoch: 1, value: 0.5 }] },
    ]);
    expect(d.series['seconds']?.[1]?.points.map((p) => p.epoch)).toEqual([0, 1]);
  });

  it('adds run-info columns to the table when trials were tracked', () => {
    const t = trialsTable(
      study([
        trial({
          number: 0,
          systemAttrs: { run_info: { backend: 'wasm', worker: 'pid 1 thread 2', peakTensorBytes: 2 ** 21 } },
        }),
        trial({ number: 1 }),
      ]),
    );
    const col = (name: string) => t.columns.indexOf(name);
    expect(t.rows[0]?.[col('backend')]?.text).toBe('wasm');
    expect(t.rows[0]?.[col('worker')]?.text).toBe('pid 1 thread 2');
    expect(t.rows[0]?.[col('peak tensor MB')]?.sort).toBe(2);
    expect(t.rows[1]?.[col('backend')]?.text).toBe('');
  });
});

describe('epochSchedulesData', () => {
  // Trial 0 ran a cosine learning rate and a dropout schedule; trial 1 logged an `lr` metric of
  // its own that no schedule wrote, so it is not a schedule.
  const scheduled = study([
    trial({
      number: 0,
      systemAttrs: {
        epoch_log: [
          { epoch: 0, loss: 0.9, lr: 0.1, dropout: 0.5, seconds: 1 },
          { epoch: 1, loss: 0.7, lr: 0.05, dropout: 0.25, seconds: 1 },
          { epoch: 2, loss: 0.6, lr: null, dropout: 0.25, seconds: 1 },
        ],
        run_info: { backend: 'cpu', worker: 'pid 1', peakTensorBytes: 1, scheduled: ['dropout', 'lr'] },
      },
    }),
    trial({
      number: 1,
      systemAttrs: { epoch_log: [{ epoch: 0, loss: 0.8, lr: 3, seconds: 1 }], run_info: { backend: 'cpu' } },
    }),
  ]);

  it('gives the value each epoch used, per scheduled key and trial, and leaves those keys out of the metrics', () => {
    const d = epochSchedulesData(scheduled);
    expect(d.params).toEqual(['dropout', 'lr']);
    expect(d.series['lr']).toEqual([
      {
        number: 0,
        state: 'COMPLETE',
        points: [
          { epoch: 0, value: 0.1 },
          { epoch: 1, value: 0.05 },
        ],
      },
    ]);
    expect(d.series['dropout']?.[0]?.points.map((p) => p.value)).toEqual([0.5, 0.25, 0.25]);
    const metrics = epochMetricsData(scheduled);
    expect(metrics.metrics).toEqual(['loss', 'lr', 'seconds']);
    expect(metrics.series['lr']?.map((s) => s.number)).toEqual([1]);
  });

  it('makes a schedules panel for a study without PBT, and none when nothing was scheduled', () => {
    const panel = studyPanels(scheduled).find((p) => p.id === 'schedules');
    expect(panel?.note).toMatch(/dropout, lr/);
    expect(JSON.stringify(panel?.spec)).toContain('"title":"learning rate"');
    const plain = study([trial({ number: 0, systemAttrs: { epoch_log: [{ epoch: 0, loss: 1, seconds: 1 }] } })]);
    expect(studyPanels(plain).map((p) => p.id)).not.toContain('schedules');
  });
});

describe('importanceData', () => {
  // x decides the value (best near x = 2); units is drawn but unused.
  const trials = Array.from({ length: 40 }, (_, i) =>
    trial({
      number: i,
      values: [((i * 7) % 20) - 10 === 2 ? 0 : Math.abs(((i * 7) % 20) - 12)],
      params: { x: [((i * 7) % 20) - 10, X], units: [8 + ((i * 13) % 57), UNITS] },
    }),
  );

  it('ranks the parameter that decides the value first, shares summing to 1, per objective and direction', () => {
    const d = importanceData(study(trials));
    expect(d.label).toBe('value');
    expect(d.bars.map((b) => b.param)).toEqual(['x', 'units']);
    expect(d.bars.reduce((a, b) => a + b.importance, 0)).toBeCloseTo(1, 12);
    // Maximising the negated value is the same question.
    const negated = trials.map((t) =>
      trial({
        number: t.number,
        values: [-(t.values as number[])[0]!],
        params: { x: [t.params['x']!, X], units: [t.params['units']!, UNITS] },
      }),
    );
    expect(importanceData(study(negated, ['maximize'])).bars).toEqual(d.bars);
    const two = study(
      trials.map((t) =>
        trial({
          number: t.number,
          values: [(t.values as number[])[0]!, 1],
          params: { x: [t.params['x']!, X], units: [t.params['units']!, UNITS] },
        }),
      ),
      ['minimize', 'minimize'],
    );
    expect(importanceData(two, 0).label).toBe('values[0]');
    expect(importanceData(two, 0).bars[0]?.param).toBe('x');
  });

  it('is empty with fewer than two valued trials or no parameters', () => {
    expect(importanceData(study([trial({ number: 0, params: { x: [1, X] } })])).bars).toEqual([]);
    expect(importanceData(study([trial({ number: 0 }), trial({ number: 1 })])).bars).toEqual([]);
  });
});

describe('pbtLineageData', () => {
  const job = (member: number, fromEpoch: number, toEpoch: number, extra: Record<string, unknown> = {}) => ({
    pbt: { member, fromEpoch, toEpoch, start: fromEpoch === 0 ? 'fresh' : 'continue', from: null, ...extra },
  });
  const lrs = [0.01, 0.02, 0.04];
  const trials = [
    trial({ number: 0, values: [0.6], params: { lr: [lrs[0]!, LR], units: [16, UNITS] }, systemAttrs: job(0, 0, 1) }),
    trial({ number: 1, values: [0.8], params: { lr: [lrs[1]!, LR], units: [16, UNITS] }, systemAttrs: job(1, 0, 1) }),
    trial({
      number: 2,
      values: [0.85],
      params: { lr: [lrs[2]!, LR], units: [16, UNITS] },
      systemAttrs: job(0, 1, 2, {
        start: 'exploit',
        from: 1,
        exploit: {
          donor: 1,
          donorTrial: 1,
          epoch: 1,
          donorScore: 0.8,
          recipientScore: 0.6,
          paramsBefore: {},
          paramsAfter: {},
        },
      }),
    }),
    trial({
      number: 3,
      state: 'FAIL',
      values: null,
      params: { lr: [lrs[1]!, LR], units: [16, UNITS] },
      systemAttrs: job(1, 1, 2),
    }),
    // Left behind by a dead process; its job ran again.
    trial({ number: 4, state: 'FAIL', values: null, systemAttrs: { ...job(1, 1, 2), pbt_interrupted: true } }),
    trial({ number: 5, values: [1], params: { lr: [0.5, LR] } }),
  ];

  it('gives each job, each copy and the schedules of the parameters that change', () => {
    const d = pbtLineageData(study(trials, ['maximize']));
    expect(d.segments.map((s) => [s.trial, s.member, s.fromEpoch, s.toEpoch, s.value])).toEqual([
      [0, 0, 0, 1, 0.6],
      [2, 0, 1, 2, 0.85],
      [1, 1, 0, 1, 0.8],
      [3, 1, 1, 2, null],
    ]);
    expect(d.copies).toEqual([{ epoch: 1, donor: 1, recipient: 0, donorTrial: 1, trial: 2 }]);
    expect(d.params).toEqual(['lr']); // units never changes
    expect(d.schedules.filter((s) => s.member === 0).map((s) => [s.epoch, s.value])).toEqual([
      [0, 0.01],
      [1, 0.01],
      [1, 0.04],
      [2, 0.04],
    ]);
  });

  it('is empty for a study PBT did not make', () => {
    expect(pbtLineageData(study([trials[5]!]))).toEqual({ segments: [], copies: [], schedules: [], params: [] });
  });
});
