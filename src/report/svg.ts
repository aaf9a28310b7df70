import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

import type { ChartSpec } from './charts/common';

/**
 * A Vega-Lite spec drawn to an SVG string in Node, without a browser or a canvas: compiled to Vega,
 * run headless (`renderer: 'none'`) and serialised. Vega escapes every text and attribute it writes.
 * vega 5 / vega-lite 5, not 6: 6 are ESM-only with top-level await, which `require` cannot load
 * from our CommonJS build on Node 20.
 */
export async function renderSVG(spec: ChartSpec): Promise<string> {
  const compiled = vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
