/**
 * The study report (`tune.report`): one self-contained HTML file with every chart the study has
 * data for (optimisation history, Pareto front, learning curves with pruned trials and
 * Hyperband/ASHA rungs, parallel coordinates, slices, contours, value distribution, timeline) and a
 * sortable, filterable trial table. `tfjs-tune report STUDY --out report.html` does the same.
 *
 * @example
 * ```ts
 * await tune.report.write(study, 'report.html');
 * ```
 * @module report
 */
export { write, renderHTML } from '../report/report';
export type { StudySnapshot } from '../report/snapshot';
