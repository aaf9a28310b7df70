import type { TimelineData } from '../data/timeline';
import { base, r4, STATE_SCALE, WIDTH, type ChartSpec } from './common';

/** A bar per trial from start to end (seconds since the first start), one lane per worker. */
export function timelineChart(d: TimelineData): ChartSpec {
  const span = Math.max(1, ...d.bars.map((b) => b.end));
  // A trial that took no measurable time still gets a visible sliver.
  const minWidth = span * 0.002;
  const values = d.bars.map((b) => ({
    trial: b.number,
    state: b.state,
    worker: b.worker,
    start: r4(b.start / 1000),
    end: r4(Math.max(b.end, b.start + minWidth) / 1000),
    seconds: r4((b.end - b.start) / 1000),
  }));
  return {
    ...base(),
    width: WIDTH,
    height: Math.max(60, 22 * d.workers.length),
    data: { values },
    mark: { type: 'bar', cornerRadius: 1 },
    encoding: {
      x: { field: 'start', type: 'quantitative', title: 'seconds since the first trial started' },
      x2: { field: 'end' },
      y: { field: 'worker', type: 'nominal', title: 'worker', sort: [...d.workers] },
      color: { field: 'state', type: 'nominal', scale: STATE_SCALE, title: 'state' },
      tooltip: [{ field: 'trial' }, { field: 'state' }, { field: 'worker' }, { field: 'seconds' }],
    },
  };
}
