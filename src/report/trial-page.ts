import { InvalidArgumentError } from '../errors';
import type { FrozenTrial } from '../trial/frozen-trial';
import { formatNumber } from '../util/format';
import { escapeHTML } from './html/escape';
import { pageHTML } from './html/page';
import { studyPanels, type PanelId } from './panels';
import type { StudySnapshot } from './snapshot';
import { renderSVG } from './svg';

// The panels that say something about one trial alone: its curves, its metrics, its PBT job.
const TRIAL_PANELS: readonly PanelId[] = ['intermediate', 'epochs', 'lineage', 'schedules'];

function detailRows(kind: string, entries: Record<string, unknown>): string[] {
  return Object.keys(entries)
    .sort()
    .map(
      (k) =>
        `<tr data-kind="${kind}"><td>${kind}</td><td>${escapeHTML(k)}</td><td>${escapeHTML(
          typeof entries[k] === 'string' ? entries[k] : JSON.stringify(entries[k]),
        )}</td></tr>`,
    );
}

function detailTable(t: FrozenTrial): string {
  const rows = [
    ...detailRows('param', t.params),
    ...detailRows('user attribute', t.userAttrs),
    ...detailRows('system attribute', t.systemAttrs),
  ];
  return `<div class="table-wrap"><table id="trial-detail"><thead><tr><th scope="col">kind</th><th scope="col">name</th><th scope="col">value</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`;
}

/**
 * One trial's page (the dashboard's detail view): its state, values and duration, the panels of
 * its own data (learning curve, epoch metrics, PBT job) and every param and attribute, escaped.
 */
export async function renderTrialPage(
  study: StudySnapshot,
  trialNumber: number,
  liveEventsURL?: string,
): Promise<string> {
  const trial = study.trials.find((t) => t.number === trialNumber);
  if (trial === undefined) {
    throw new InvalidArgumentError(
      'trial number',
      trialNumber,
      `a trial number of study "${study.studyName}" (0 to ${study.trials.length - 1})`,
    );
  }
  const own: StudySnapshot = { studyName: study.studyName, directions: study.directions, trials: [trial] };
  const panels = [];
  for (const p of studyPanels(own).filter((p) => TRIAL_PANELS.includes(p.id)))
    panels.push({ id: p.id, title: p.title, note: p.note, svg: await renderSVG(p.spec) });
  const seconds =
    trial.datetimeStart !== null && trial.datetimeComplete !== null
      ? (trial.datetimeComplete.getTime() - trial.datetimeStart.getTime()) / 1000
      : null;
  return pageHTML({
    studyName: `${study.studyName} — trial ${trial.number}`,
    summary: [
      `state: ${trial.state}`,
      `values: ${trial.values === null ? 'none' : trial.values.map((v) => formatNumber(v)).join(', ')}`,
      `duration: ${seconds === null ? 'unfinished' : `${formatNumber(seconds)} s`}`,
      `${trial.intermediateValues.size} intermediate values`,
    ],
    panels,
    tableHTML: detailTable(trial),
    ...(liveEventsURL === undefined ? {} : { liveEventsURL }),
  });
}
