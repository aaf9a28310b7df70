import { escapeHTML } from './escape';
import { TABLE_SCRIPT } from './table-script';

export interface PagePanel {
  readonly id: string;
  readonly title: string;
  readonly note: string;
  readonly svg: string;
}

export interface PageContent {
  readonly studyName: string;
  /** Lines of the summary, plain text (escaped here). */
  readonly summary: readonly string[];
  readonly panels: readonly PagePanel[];
  /** The trial table's HTML, already escaped. */
  readonly tableHTML: string;
  /**
   * For the live dashboard: the same-origin URL of a server-sent event stream; the page reloads
   * when it says the study changed. Absent for the offline report, whose CSP forbids every fetch.
   */
  readonly liveEventsURL?: string;
}

function liveScript(url: string): string {
  // The URL is JSON-encoded and then kept clear of "</" so it cannot end the script element.
  const literal = JSON.stringify(url).replace(/</g, '\\u003c');
  return `(function () {
  var source = new EventSource(${literal});
  source.addEventListener('change', function () { source.close(); location.reload(); });
})();`;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1400px; padding: 1rem 2rem; color: #222; }
h1 { font-size: 1.5rem; word-break: break-all; } h2 { font-size: 1.15rem; margin-bottom: 0.2rem; }
nav a { margin-right: 0.8rem; } .note { color: #666; margin-top: 0; font-size: 0.9rem; }
section.panel { margin: 1.5rem 0; overflow-x: auto; } section.panel svg { max-width: 100%; height: auto; }
.summary { list-style: none; padding: 0; } .summary li { margin: 0.15rem 0; }
.controls { margin: 0.5rem 0; display: flex; gap: 1rem; align-items: center; }
.table-wrap { overflow: auto; max-height: 70vh; border: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85rem; } th, td { padding: 0.2rem 0.5rem; border-bottom: 1px solid #eee; text-align: left; white-space: nowrap; }
th { position: sticky; top: 0; background: #f6f6f6; cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
tr[data-state="PRUNED"] td:nth-child(2) { color: #c55a00; } tr[data-state="FAIL"] td:nth-child(2) { color: #d62728; }
`;

/**
 * The self-contained page: inline styles, inline SVG, one inline script. The Content-Security-Policy
 * forbids every fetch, so the page cannot make a network request even if a chart asked for one.
 */
export function pageHTML(c: PageContent): string {
  const nav = [
    ...c.panels.map((p) => `<a href="#${p.id}">${escapeHTML(p.title)}</a>`),
    '<a href="#trials-table">Trials</a>',
  ].join('');
  const panels = c.panels
    .map(
      (p) => `<section class="panel" id="${p.id}" data-panel="${p.id}">
<h2>${escapeHTML(p.title)}</h2>
<p class="note">${escapeHTML(p.note)}</p>
${p.svg}
</section>`,
    )
    .join('\n');
  const connect = c.liveEventsURL === undefined ? '' : "; connect-src 'self'";
  const live = c.liveEventsURL === undefined ? '' : `\n<script>${liveScript(c.liveEventsURL)}</script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:${connect}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHTML(c.studyName)} — tfjs-tune report</title>
<style>${STYLE}</style>
</head>
<body>
<h1 id="study-name">${escapeHTML(c.studyName)}</h1>
<ul class="summary">${c.summary.map((s) => `<li>${escapeHTML(s)}</li>`).join('')}</ul>
<nav>${nav}</nav>
${panels}
<section id="trials-table">
<h2>Trials</h2>
${c.tableHTML}
</section>
<script>${TABLE_SCRIPT}</script>${live}
</body>
</html>
`;
}
