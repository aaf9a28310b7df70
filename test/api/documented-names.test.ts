// The README and the examples are what a newcomer copies: every `tune.…` path they use must exist in
// the public API (and be the namespaced spelling, not an old top-level one).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import * as tune from '../../src';

const root = join(__dirname, '..', '..');

/** `tune.a.b.c(` -> ['a', 'b', 'c'], from code only (fenced blocks of the README, whole example files). */
function tunePaths(code: string): string[][] {
  return [...code.matchAll(/(?<![\w\-./])tune((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((m) => m[1]!.slice(1).split('.'));
}

function readmeCode(): string {
  const text = readFileSync(join(root, 'README.md'), 'utf8');
  return [...text.matchAll(/```(?:ts|js|typescript|javascript)\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
}

function resolves(path: string[]): boolean {
  let value: unknown = tune;
  // Stop at the first segment that is not an export: what follows is a member (e.g. `.direction`).
  for (const [i, key] of path.entries()) {
    if (value == null || (typeof value !== 'object' && typeof value !== 'function')) return i > 0;
    if (!(key in value)) return i > 0 && typeof value === 'function';
    value = (value as Record<string, unknown>)[key];
  }
  return true;
}

const sources: [string, string][] = [
  ['README.md', readmeCode()],
  ...readdirSync(join(root, 'examples'))
    .filter((f) => f.endsWith('.js') || f.endsWith('.ts'))
    .map((f): [string, string] => [`examples/${f}`, readFileSync(join(root, 'examples', f), 'utf8')]),
];

describe('documented names', () => {
  it('the README shows code that uses the package', () => {
    expect(tunePaths(readmeCode()).length).toBeGreaterThan(5);
  });

  it.each(sources)('every tune.… path in %s is public', (_name, code) => {
    // Objects created from the API (`const study = …`) are not `tune.` paths, so only exports are checked.
    const missing = tunePaths(code)
      .filter((p) => !resolves(p))
      .map((p) => `tune.${p.join('.')}`);
    expect(missing).toEqual([]);
  });

  it('an old top-level spelling is caught', () => {
    expect(resolves(['TPESampler'])).toBe(false);
    expect(resolves(['samplers', 'TPESampler'])).toBe(true);
    expect(resolves(['createStudy'])).toBe(true);
  });
});
