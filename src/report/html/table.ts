import { TRIAL_STATES } from '../../trial/state';
import type { TableCell, TrialsTable } from '../data/trials-table';
import { escapeHTML } from './escape';

function cell(c: TableCell): string {
  if (c.sort === null) return `<td>${escapeHTML(c.text)}</td>`;
  const num = typeof c.sort === 'number' ? ' data-num' : '';
  return `<td data-sort="${escapeHTML(String(c.sort))}"${num}>${escapeHTML(c.text)}</td>`;
}

/** The trial table with its filter controls; every text escaped. */
export function tableHTML(t: TrialsTable): string {
  const head = t.columns.map((c) => `<th scope="col" title="sort">${escapeHTML(c)}</th>`).join('');
  const rows = t.rows
    .map((r) => `<tr data-state="${escapeHTML(r[1]?.text ?? '')}">${r.map(cell).join('')}</tr>`)
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
