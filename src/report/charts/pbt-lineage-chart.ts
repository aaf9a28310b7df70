import type { PBTLineageData } from '../data/pbt-lineage';
import { base, HEIGHT, r4, SMALL, WIDTH, type ChartSpec, valueScale } from './common';

/**
 * PBT's lineage as a tree over epochs: one lane per member, a bar per job coloured by its score,
 * and a dashed link from the donor's lane to the recipient's at each copy.
 */
export function pbtLineageChart(d: PBTLineageData): ChartSpec {
  const members = new Set(d.segments.map((s) => s.member)).size;
  const x = { type: 'quantitative', title: 'epoch' };
  return {
    ...base(),
    width: WIDTH,
    height: Math.min(HEIGHT, 36 * members + 20),
    layer: [
      {
        data: {
          values: d.segments.map((s) => ({
            ...s,
            value: s.value === null ? null : r4(s.value),
            label: `trial ${s.trial}, member ${s.member}, epochs ${s.fromEpoch}-${s.toEpoch} (${s.start})`,
          })),
        },
        mark: { type: 'rule', strokeWidth: 8, strokeCap: 'butt' },
        encoding: {
          x: { field: 'fromEpoch', ...x },
          x2: { field: 'toEpoch' },
          y: { field: 'member', type: 'quantitative', title: 'member', axis: { tickMinStep: 1 } },
          color: { field: 'value', type: 'quantitative', title: 'score' },
          tooltip: [{ field: 'label' }, { field: 'value' }, { field: 'state' }],
        },
      },
      {
        data: {
          values: d.copies.map((c) => ({
            ...c,
            label: `epoch ${c.epoch}: member ${c.recipient} copied member ${c.donor} (trial ${c.donorTrial})`,
          })),
        },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
        encoding: {
          x: { field: 'epoch', ...x },
          y: { field: 'donor', type: 'quantitative' },
          y2: { field: 'recipient' },
          tooltip: [{ field: 'label' }],
        },
      },
      {
        data: { values: d.copies.map((c) => ({ ...c, label: `copy: member ${c.recipient} from member ${c.donor}` })) },
        mark: { type: 'point', shape: 'triangle-down', filled: true, color: '#555', size: 60 },
        encoding: {
          x: { field: 'epoch', ...x },
          y: { field: 'recipient', type: 'quantitative' },
          tooltip: [{ field: 'label' }],
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
}

/** Each mutated parameter per member over epochs (PBT's schedules), step lines, log scale for positive ranges wider than 10x. */
export function pbtScheduleChart(d: PBTLineageData): ChartSpec {
  return {
    ...base(),
    columns: 2,
    concat: d.params.map((param) => {
      const steps = d.schedules.filter((s) => s.param === param);
      return {
        width: d.params.length === 1 ? WIDTH : SMALL,
        height: SMALL,
        title: param,
        data: { values: steps.map((s) => ({ member: s.member, epoch: s.epoch, value: r4(s.value) })) },
        mark: { type: 'line', interpolate: 'step-after', point: { filled: true, size: 16 } },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
          y: { field: 'value', type: 'quantitative', title: param, scale: valueScale(steps.map((s) => s.value)) },
          color: { field: 'member', type: 'nominal', title: 'member' },
          detail: { field: 'member', type: 'nominal' },
          tooltip: [{ field: 'member' }, { field: 'epoch' }, { field: 'value' }],
        },
      };
    }),
  };
}
