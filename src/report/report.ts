import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { paretoFront } from '../study/multi-objective';
import { formatNumber } from '../util/format';
import { trialsTable } from './data/trials-table';
import { pageHTML } from './html/page';
import { tableHTML } from './html/table';
import { studyPanels } from './panels';
import { feasibility, isBetter, objectiveValue, type StudySnapshot } from './snapshot';
import { renderSVG } from './svg';

function summary(study: StudySnapshot): string[] {
  const byState = new Map<string, number>();
  for (const t of study.trials) byState.set(t.state, (byState.get(t.state) ?? 0) + 1);
  const counts = [...byState.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
  const lines = [
    `directions: ${study.directions.join(', ')}`,
    `${study.trials.length} trials${counts === '' ? '' : `: ${counts}`}`,
  ];
  const feasible = study.trials.filter((t) => feasibility(t) !== false);
  if (study.directions.length === 1) {
    const direction = study.directions[0] ?? 'minimize';
    let best: { value: number; number: number; params: string } | null = null;
    for (const t of feasible) {
      const v = objectiveValue(t, 0);
      if (v !== null && (best === null || isBetter(v, best.value, direction)))
        best = { value: v, number: t.number, params: JSON.stringify(t.params) };
    }
    if (best !== null)
      lines.push(`best value ${formatNumber(best.value)} (trial ${best.number}), params ${best.params}`);
  } else {
    const front = paretoFront(
      feasible.filter((t) => t.values?.every(Number.isFinite) ?? false),
      study.directions,
    );
    lines.push(`${front.length} trials on the Pareto front`);
  }
  return lines;
}

/**
 * The study's HTML report as one self-contained page: every panel the study has data for, drawn to
 * inline SVG in Node, and a sortable, filterable trial table. No network request is made when
 * it opens; every user string (study name, parameter names and values, attributes) is escaped.
 *
 * @example
 * ```ts
 * const html = await tune.report.renderHTML(study);
 * ```
 */
export async function renderHTML(study: StudySnapshot): Promise<string> {
  return renderPage(study);
}

/** @internal The page, optionally live: the dashboard passes its event stream's URL and its trial pages' links. */
export async function renderPage(
  study: StudySnapshot,
  liveEventsURL?: string,
  trialHref?: (trialNumber: number) => string,
): Promise<string> {
  const panels = [];
  for (const p of studyPanels(study))
    panels.push({ id: p.id, title: p.title, note: p.note, svg: await renderSVG(p.spec) });
  return pageHTML({
    studyName: study.studyName,
    summary: summary(study),
    panels,
    tableHTML: tableHTML(trialsTable(study), trialHref),
    ...(liveEventsURL === undefined ? {} : { liveEventsURL }),
  });
}

/**
 * Writes {@link renderHTML}'s page to `path` (atomically: a reader never sees half a file) and
 * returns the number of bytes written.
 *
 * @example
 * ```ts
 * await tune.report.write(study, 'report.html');
 * ```
 */
export async function write(study: StudySnapshot, path: string): Promise<number> {
  const html = await renderHTML(study);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, html, 'utf8');
  await rename(tmp, path);
  return Buffer.byteLength(html);
}
