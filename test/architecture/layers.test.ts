import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import diagram from '../../layers.json';

// layers.json is the one source of truth for the layer diagram: eslint.config.mjs builds its
// import-x/no-restricted-paths zones from it, and ARCHITECTURE.md shows it. These tests keep the
// document and the list the same, and keep every folder of src/ inside some layer (an unlisted
// folder would escape the lint rule).

const root = join(__dirname, '..', '..');
const BEGIN = '<!-- layers:begin (generated from layers.json; test/architecture/layers.test.ts checks it) -->';
const END = '<!-- layers:end -->';

/** The markdown block ARCHITECTURE.md must hold between the markers. */
function renderDiagram(): string {
  const cells = diagram.layers.map((layer) => layer.modules.join('  '));
  const width = Math.max(...cells.map((c) => c.length)) + 2;
  const rows = diagram.layers.map(
    (layer, i) => `${String(i + 1).padStart(2)}  ${(cells[i] as string).padEnd(width)}${layer.role}`,
  );
  const contracts = diagram.downwardContracts.map(
    (c) => `    ${c.by.join(' and ')} may import ${c.files.map((f) => c.from + f).join(', ')}`,
  );
  const never = `    nothing in a layer imports ${diagram.libraryNeverImports.join(', ')}`;
  return [BEGIN, '', '```text', ...rows, '', ...contracts, never, '```', '', END].join('\n');
}

function documentedDiagram(): string {
  const text = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) return '(no layer block in ARCHITECTURE.md)';
  return text.slice(begin, end + END.length);
}

describe('the layer diagram (layers.json)', () => {
  it('is the one ARCHITECTURE.md shows', () => {
    // On failure the diff shows the expected block (lines marked -): put it into ARCHITECTURE.md.
    expect(documentedDiagram()).toBe(renderDiagram());
  });

  it('places every folder and top-level file of src/, and models/ and datasets/, in exactly one layer', () => {
    const listed = diagram.layers.flatMap((layer) => layer.modules);
    const present = [
      ...readdirSync(join(root, 'src')).map((name) =>
        statSync(join(root, 'src', name)).isDirectory() ? `src/${name}/` : `src/${name}`,
      ),
      'models/',
      'datasets/',
    ];
    expect(present.filter((m) => !listed.includes(m))).toEqual([]);
    expect(listed.filter((m, i) => listed.indexOf(m) !== i)).toEqual([]);
  });
});
