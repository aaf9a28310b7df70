import { TRIAL_STATES } from '../../trial/state';
import type { TableCell, TrialsTable } from '../data/trials-table';
import { escapeHTML } from './escape';

function cell(c: TableCell): string {
  if (c.sort === null) return `<td>${escapeHTML(c.text)}</td>`;
  const num = typeof c.sort === 'number' ? ' data-num' : '';
  return `<td data-sort="${escapeHTML(String(c.sort))}"${num}>${escapeHTML(c.text)}</td>`;
}

/** The first cell (the trial number) as a link to the trial's page, for the dashboard. */
function linked(c: TableCell, href: string): string {
  const inner = `<a href="${escapeHTML(href)}">${escapeHTML(c.text)}</a>`;
  if (c.sort === null) return `<td>${inner}</td>`;
  const num = typeof c.sort === 'number' ? ' data-num' : '';
  return `<td data-sort="${escapeHTML(String(c.sort))}"${num}>${inner}</td>`;
}

/** The trial table with its filter controls; every text escaped. `trialHref` links each number to a page. */
export function tableHTML(t: TrialsTable, trialHref?: (trialNumber: number) => string): string {
  const head = t.columns.map((c) => `<th scope="col" title="sort">${escapeHTML(c)}</th>`).join('');
  const rows = t.rows
    .map((r) => {
      const cells = r.map((c, i) =>
        i === 0 && trialHref !== undefined && typeof c.sort === 'number' ? linked(c, trialHref(c.sort)) : cell(c),
      );
      return `<tr data-state="${escapeHTML(r[1]?.text ?? '')}">${cells.join('')}</tr>`;
    })
    .join('\n');
  const states = TRIAL_STATES.map((s) => `<option value="${s}">${s}</option>`).join('');
  return `<div class="controls">
<label>filter <input id="trial-filter" type="search" placeholder="any text"></label>
<label>state <select id="state-filter"><option value="">all</option>${states}</select></label>
<span id="trial-count"></span>
</div>
<div class="table-wrap"><table id="trials"><thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}
