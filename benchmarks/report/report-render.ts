/**
 * The HTML report of a 1,000-trial study: render time in Node and file size. Goal (issue #17):
 * under 2 s, a file of a few MB. The study is a real one (random sampler, Hyperband pruner over 9
 * steps, three parameters), so every panel is drawn at its real size.
 */
import * as os from 'node:os';

import { TrialPruned } from '../../src/errors';
import { HyperbandPruner } from '../../src/pruners/hyperband';
import { renderHTML } from '../../src/report/report';
import { studyPanels } from '../../src/report/panels';
import { renderSVG } from '../../src/report/svg';
import { RandomSampler } from '../../src/samplers/random';
import { createStudy } from '../../src/study/create-study';
import { silentLogger } from '../../src/util/logger';
import type { BenchResult } from '../result';

async function thousandTrialStudy(nTrials: number) {
  const study = await createStudy({
    studyName: 'report-bench',
    direction: 'minimize',
    sampler: new RandomSampler({ seed: 0 }),
    pruner: new HyperbandPruner({ minResource: 1, maxResource: 9, reductionFactor: 3 }),
    logger: silentLogger,
    heartbeatInterval: 0,
  });
  await study.optimize(
    (trial) => {
      const lr = trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
      const units = trial.suggestInt('units', 8, 256);
      const act = trial.suggestCategorical('activation', ['relu', 'tanh', 'gelu']);
      const floor = Math.abs(Math.log10(lr) + 2.5) + Math.abs(Math.log2(units) - 6) / 4 + (act === 'gelu' ? 0 : 0.2);
      let loss = floor;
      for (let step = 0; step < 9; step++) {
        loss = floor + 1.5 / (step + 1);
        trial.report(loss, step);
        if (trial.shouldPrune()) throw new TrialPruned();
      }
      return loss;
    },
    { nTrials },
  );
  return study;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function reportRender(): Promise<BenchResult> {
  const nTrials = 1000;
  const study = await thousandTrialStudy(nTrials);
  const snapshot = { studyName: study.studyName, directions: study.directions, trials: study.trials };
  // CPU time beside wall time: on a loaded machine (other jobs on the same cores) the wall time
  // says more about the neighbours than about the report.
  const timed = async <T>(f: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const value = await f();
    const c = process.cpuUsage(c0);
    return { value, ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
  };
  const cold = await timed(() => renderHTML(snapshot));
  const kib = Buffer.byteLength(cold.value) / 1024;
  const warm: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < 3; i++) warm.push(await timed(() => renderHTML(snapshot)));
  const rows: Record<string, string | number>[] = [
    { part: 'whole report, first render (cold)', ms: cold.ms, cpuMs: cold.cpuMs, kib },
    {
      part: 'whole report, median of 3 warm',
      ms: median(warm.map((w) => w.ms)),
      cpuMs: median(warm.map((w) => w.cpuMs)),
      kib,
    },
  ];
  for (const p of studyPanels(snapshot)) {
    const r = await timed(() => renderSVG(p.spec));
    rows.push({ part: `panel ${p.id}`, ms: r.ms, cpuMs: r.cpuMs, kib: Buffer.byteLength(r.value) / 1024 });
  }
  const states = new Map<string, number>();
  for (const t of study.trials) states.set(t.state, (states.get(t.state) ?? 0) + 1);
  return {
    name: 'report-render',
    description: `renderHTML (wall and CPU ms, load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores) of a ${nTrials}-trial study (${[...states].map(([s, n]) => `${n} ${s}`).join(', ')}; 3 params, 9 steps, Hyperband pruner); goal < 2000 ms, a few MB`,
    rows,
    ratios: {
      coldCpuOverGoal: cold.cpuMs / 2000,
      warmCpuOverGoal: median(warm.map((w) => w.cpuMs)) / 2000,
      megabytes: Buffer.byteLength(cold.value) / 1e6,
    },
  };
}
