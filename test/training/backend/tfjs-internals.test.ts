import * as tf from '@tensorflow/tfjs';

import {
  type FieldKind,
  INTERNALS_MODULE,
  INTERNAL_CHECKS,
  INTERNAL_VIEWS,
} from '../../../src/training/backend/internals';
import { initBackend } from '../../../src/training/backend';

/*
 * The canary for tfjs upgrades: every private field, method, registry behaviour and mangled name
 * that tfjs-tune relies on, checked on the installed tfjs. The table is the internals module's
 * own declarations, so an access declared there is checked here without editing this file.
 */

const fields = INTERNAL_VIEWS.flatMap((view) =>
  Object.entries(view.fields).map(([field, kind]) => ({ name: `${view.owner}.${field}`, view, field, kind })),
);

/** What is wrong with `field` on `probe`, as the canary reports it; undefined when nothing is. */
function fieldProblem(name: string, probe: object, field: string, kind: FieldKind): string | undefined {
  if (!(field in probe)) return `tfjs internals moved: ${name} is missing — see ${INTERNALS_MODULE}`;
  if (kind === 'method' && typeof (probe as Record<string, unknown>)[field] !== 'function') {
    return `tfjs internals moved: ${name} is no longer a method — see ${INTERNALS_MODULE}`;
  }
  return undefined;
}

beforeAll(async () => {
  // The wasm backend's fields are probed on an initialised one.
  await initBackend({ backend: 'wasm' });
  await tf.setBackend('cpu');
});

describe('tfjs internals tfjs-tune relies on', () => {
  it('declares views and checks', () => {
    expect(fields.length).toBeGreaterThan(40);
    expect(INTERNAL_CHECKS.length).toBeGreaterThan(5);
  });

  it.each(fields)('$name', ({ name, view, field, kind }) => {
    const problem = fieldProblem(name, view.probe(), field, kind);
    if (problem !== undefined) throw new Error(problem);
  });

  it.each(INTERNAL_CHECKS.map((check) => ({ ...check, name: check.what })))('$name', ({ what, holds }) => {
    if (!holds()) throw new Error(`tfjs internals moved: ${what} no longer holds — see ${INTERNALS_MODULE}`);
  });

  it('names the field when one moves', () => {
    const view = INTERNAL_VIEWS.find((v) => v.owner === 'AdamOptimizer');
    expect(view?.fields['accumulatedFirstMoment']).toBe('field');
    const probe = view?.probe() as Record<string, unknown>;
    delete probe['accumulatedFirstMoment']; // an own field: as if a tfjs upgrade renamed it
    expect(fieldProblem('AdamOptimizer.accumulatedFirstMoment', probe, 'accumulatedFirstMoment', 'field')).toBe(
      'tfjs internals moved: AdamOptimizer.accumulatedFirstMoment is missing — see src/training/backend/internals/',
    );
  });
});
