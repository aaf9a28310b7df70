import { contourChart } from './charts/contour-chart';
import { base, nested, type ChartSpec } from './charts/common';
import { edfChart } from './charts/edf-chart';
import { epochMetricsChart } from './charts/epoch-metrics-chart';
import { epochSchedulesChart } from './charts/epoch-schedules-chart';
import { historyChart } from './charts/history-chart';
import { importanceChart } from './charts/importance-chart';
import { intermediateChart } from './charts/intermediate-chart';
import { parallelChart } from './charts/parallel-chart';
import { paretoChart } from './charts/pareto-chart';
import { pbtLineageChart, pbtScheduleChart } from './charts/pbt-lineage-chart';
import { sliceChart } from './charts/slice-chart';
import { timelineChart } from './charts/timeline-chart';
import { contourData, contourPairs } from './data/contour';
import { edfData } from './data/edf';
import { epochMetricsData } from './data/epoch-metrics';
import { epochSchedulesData } from './data/epoch-schedules';
import { historyData } from './data/history';
import { importanceData } from './data/importance';
import { intermediateData } from './data/intermediate';
import { parallelCoordinatesData } from './data/parallel-coordinates';
import { paretoData } from './data/pareto';
import { pbtLineageData } from './data/pbt-lineage';
import { sliceData } from './data/slice';
import { timelineData } from './data/timeline';
import { objectiveValue, type StudySnapshot } from './snapshot';

/** The panel kinds, in page order. */
export const PANEL_IDS = [
  'history',
  'pareto',
  'intermediate',
  'epochs',
  'lineage',
  'schedules',
  'importance',
  'parallel',
  'slice',
  'contour',
  'edf',
  'timeline',
] as const;
export type PanelId = (typeof PANEL_IDS)[number];

export interface PanelSpec {
  readonly id: PanelId;
  readonly title: string;
  /** Shown under the title: what the chart shows and what it leaves out. */
  readonly note: string;
  readonly spec: ChartSpec;
}

/**
 * The panels a study has data for, each as a Vega-Lite spec. A panel without data is left out,
 * never drawn empty. For several objectives, history and the distribution are per objective;
 * slices and contours use the first objective (as Optuna asks for one target).
 */
export function studyPanels(study: StudySnapshot): PanelSpec[] {
  const panels: PanelSpec[] = [];
  const objectives = study.directions.map((_, i) => i);
  const anyComplete = (i: number): boolean => study.trials.some((t) => objectiveValue(t, i) !== null);
  const first = study.directions.length === 1 ? 'the objective' : 'values[0]';

  const histories = objectives.filter(anyComplete).map((i) => historyData(study, i));
  if (histories.length > 0) {
    panels.push({
      id: 'history',
      title: 'Optimisation history',
      note: 'each COMPLETE trial’s value, and the best so far (feasible trials only)',
      spec: { ...base(), vconcat: histories.map((h) => nested(historyChart(h))) },
    });
  }
  if (study.directions.length === 2 || study.directions.length === 3) {
    const d = paretoData(study);
    if (d.points.length > 0) {
      panels.push({
        id: 'pareto',
        title: 'Pareto front',
        note: `${d.points.filter((p) => p.onFront).length} trials on the front`,
        spec: paretoChart(d),
      });
    }
  }
  const inter = intermediateData(study);
  if (inter.curves.length > 0) {
    panels.push({
      id: 'intermediate',
      title: 'Intermediate values',
      note: 'learning curves by state; pruned trials end in a cross; diamonds: rungs reached (Hyperband/ASHA rounds, ASHA pruner rungs)',
      spec: intermediateChart(inter),
    });
  }
  const epochs = epochMetricsData(study);
  if (epochs.metrics.length > 0) {
    panels.push({
      id: 'epochs',
      title: 'Epoch metrics',
      note: 'every metric fit computed, per epoch and trial, and each epoch’s wall time (tracked by the runs the CLI and tuners make)',
      spec: epochMetricsChart(epochs),
    });
  }
  const lineage = pbtLineageData(study);
  if (lineage.segments.length > 0) {
    panels.push({
      id: 'lineage',
      title: 'PBT lineage',
      note: `one lane per member, a bar per job coloured by its score; ${lineage.copies.length} copies (dashed: donor to recipient)`,
      spec: pbtLineageChart(lineage),
    });
  }
  const scheduled = epochSchedulesData(study);
  if (lineage.params.length > 0 || scheduled.params.length > 0) {
    const charts = [
      ...(lineage.params.length > 0 ? [pbtScheduleChart(lineage)] : []),
      ...(scheduled.params.length > 0 ? [epochSchedulesChart(scheduled)] : []),
    ];
    panels.push({
      id: 'schedules',
      title: 'Learning-rate and parameter schedules',
      note: [
        ...(lineage.params.length > 0 ? ['each mutated hyperparameter per PBT member over epochs'] : []),
        ...(scheduled.params.length > 0
          ? [`the value each epoch used, per trial, as its schedules logged it (${scheduled.params.join(', ')})`]
          : []),
      ].join('; '),
      spec: charts.length === 1 ? (charts[0] as ChartSpec) : { ...base(), vconcat: charts.map(nested) },
    });
  }
  if (!anyComplete(0)) return withLater(panels, study);
  const importances = objectives.map((i) => importanceData(study, i)).filter((d) => d.bars.length > 0);
  if (importances.length > 0) {
    panels.push({
      id: 'importance',
      title: 'Parameter importances',
      note: 'PED-ANOVA (Optuna’s default): which parameters set the best 10 % of COMPLETE trials apart, per objective; fANOVA answers another question (tune.importance)',
      spec: importanceChart(importances),
    });
  }
  const parallel = parallelCoordinatesData(study, 0);
  if (parallel.axes.length > 0 && parallel.lines.length > 0) {
    panels.push({
      id: 'parallel',
      title: 'Parallel coordinates',
      note: `${first} and every parameter; trials lacking a parameter are left out (${parallel.lines.length} drawn)`,
      spec: parallelChart(parallel),
    });
  }
  const slice = sliceData(study, 0);
  if (slice.params.length > 0) {
    panels.push({ id: 'slice', title: 'Slice', note: `${first} against each parameter`, spec: sliceChart(slice) });
  }
  const pairs = contourPairs(study, 0);
  if (pairs.length > 0) {
    const contours = pairs.map(([x, y]) => contourData(study, x, y)).filter((c) => c.points.length >= 2);
    if (contours.length > 0) {
      panels.push({
        id: 'contour',
        title: 'Contour',
        note: `${first} over parameter pairs, interpolated by inverse-distance weighting (a reading aid, not a model)`,
        spec: contourChart(contours),
      });
    }
  }
  return withLater(panels, study);

  function withLater(list: PanelSpec[], s: StudySnapshot): PanelSpec[] {
    const edfs = objectives.filter(anyComplete).map((i) => edfData(s, i));
    if (edfs.length > 0) {
      list.push({
        id: 'edf',
        title: 'Empirical distribution',
        note: 'share of COMPLETE trials at or below each value',
        spec: edfChart(edfs),
      });
    }
    const timeline = timelineData(s);
    if (timeline.bars.length > 0) {
      list.push({
        id: 'timeline',
        title: 'Timeline',
        note: 'when each trial ran, one lane per worker',
        spec: timelineChart(timeline),
      });
    }
    return list;
  }
}
