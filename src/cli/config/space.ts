import { InvalidArgumentError, quote } from '../../errors';
import type { CategoricalChoice, ParamValue } from '../../space/distributions';
import type { HyperModel, Params, SuggestApi } from '../../training/hyper-model';
import type { GridSearchSpace } from '../../samplers/grid';
import type { ParameterSpec, RunConfig } from './schema';

/**
 * The search space of a run: the zoo model's own space, where each parameter the config lists is
 * replaced by the config's distribution. Under `grid`, parameters the config leaves out are fixed
 * at the model's defaults (a grid over a continuous default space would be infinite).
 */
export function configuredSpace(model: HyperModel, config: RunConfig): (trial: SuggestApi) => Params {
  const specs = config.parameters;
  const grid = config.method === 'grid';
  return (trial) => {
    const api: SuggestApi = {
      suggestFloat: (name, low, high, options) => {
        const spec = specs[name];
        if (spec === undefined)
          return grid
            ? (trial.suggestCategorical(name, [fixedDefault(model, name)]) as number)
            : trial.suggestFloat(name, low, high, options);
        return suggestFromSpec(trial, name, spec) as number;
      },
      suggestInt: (name, low, high, options) => {
        const spec = specs[name];
        if (spec === undefined)
          return grid
            ? (trial.suggestCategorical(name, [fixedDefault(model, name)]) as number)
            : trial.suggestInt(name, low, high, options);
        return suggestFromSpec(trial, name, spec) as number;
      },
      suggestCategorical: <T extends CategoricalChoice>(name: string, choices: readonly T[]): T => {
        const spec = specs[name];
        if (spec === undefined)
          return grid
            ? (trial.suggestCategorical(name, [fixedDefault(model, name)]) as T)
            : trial.suggestCategorical(name, choices);
        return suggestFromSpec(trial, name, spec) as T;
      },
    };
    return model.space(api);
  };
}

function fixedDefault(model: HyperModel, name: string): ParamValue {
  const v = model.defaults[name];
  if (v === undefined)
    throw new InvalidArgumentError(
      `parameters.${name}`,
      undefined,
      `a value for ${quote(name)} (model ${model.name} has no default for it)`,
    );
  return v;
}

function suggestFromSpec(trial: SuggestApi, name: string, spec: ParameterSpec): ParamValue {
  switch (spec.kind) {
    case 'value':
      return trial.suggestCategorical(name, [spec.value]);
    case 'values':
      return trial.suggestCategorical(name, spec.values);
    case 'range':
      switch (spec.distribution) {
        case 'uniform':
          return trial.suggestFloat(name, spec.min, spec.max);
        case 'log_uniform':
          return trial.suggestFloat(name, spec.min, spec.max, { log: true });
        case 'int_uniform':
          return trial.suggestInt(name, spec.min, spec.max);
        case 'q_uniform':
          return trial.suggestFloat(name, spec.min, spec.max, { step: spec.q ?? 1 });
      }
  }
}

/** The grid a `grid` run walks: every listed parameter must have finitely many values. */
export function gridFromConfig(config: RunConfig): GridSearchSpace {
  const grid: Record<string, CategoricalChoice[]> = {};
  for (const [name, spec] of Object.entries(config.parameters)) {
    if (spec.kind === 'value') grid[name] = [spec.value];
    else if (spec.kind === 'values') grid[name] = spec.values;
    else if (spec.distribution === 'int_uniform') grid[name] = range(spec.min, spec.max, 1);
    else if (spec.distribution === 'q_uniform') grid[name] = range(spec.min, spec.max, spec.q ?? 1);
    else {
      throw new InvalidArgumentError(
        `parameters.${name}.distribution`,
        spec.distribution,
        'values, value, int_uniform or q_uniform under method: grid (a continuous range has no grid)',
      );
    }
  }
  if (Object.keys(grid).length === 0)
    throw new InvalidArgumentError('parameters', {}, 'at least one parameter with values under method: grid');
  return grid;
}

function range(min: number, max: number, step: number): number[] {
  const n = Math.floor((max - min) / step + 1e-9) + 1;
  if (n > 10_000) throw new InvalidArgumentError('grid range', [min, max, step], 'at most 10000 values');
  return Array.from({ length: n }, (_, i) => Number((min + i * step).toPrecision(12)));
}

/** How the model asks for a parameter: the kind of suggest call and, for categoricals, the choices. */
type Asked = { kind: 'float' } | { kind: 'int' } | { kind: 'categorical'; choices: readonly CategoricalChoice[] };

/**
 * Refuses config parameters the model never asks for, by dry runs of its space: a typo must fail
 * before any training starts. Conditional parameters (units_2 ...) are found by walking the space
 * with each categorical's and integer's every value at least once. Then each listed parameter's
 * values must be of the type the model asks for (`checkParameterKind`).
 */
export function checkParameterNames(model: HyperModel, config: RunConfig): void {
  const seen = new Map<string, Asked>();
  for (let pass = 0; pass < 8; pass++) {
    const pick = <T>(values: readonly T[]): T => values[Math.min(pass, values.length - 1)] as T;
    const api: SuggestApi = {
      suggestFloat: (name, low, high) => (seen.set(name, { kind: 'float' }), pass % 2 === 0 ? low : high),
      suggestInt: (name, low, high) => (seen.set(name, { kind: 'int' }), Math.min(high, low + pass)),
      suggestCategorical: <T extends CategoricalChoice>(name: string, choices: readonly T[]) => (
        seen.set(name, { kind: 'categorical', choices }),
        pick(choices)
      ),
    };
    model.space(api);
  }
  for (const [name, spec] of Object.entries(config.parameters)) {
    const asked = seen.get(name);
    if (asked === undefined) {
      throw new InvalidArgumentError(
        `parameters.${name}`,
        name,
        `a parameter of model ${model.name}: one of ${[...seen.keys()].sort().join(', ')}`,
      );
    }
    checkParameterKind(model, name, spec, asked);
  }
}

function typeName(v: CategoricalChoice): string {
  return v === null ? 'null' : typeof v;
}

/**
 * A config value of another type than the model's parameter would fail every trial at build time
 * (a string for `units_1`, a number for `activation`, a fraction for an integer): refused here.
 */
function checkParameterKind(model: HyperModel, name: string, spec: ParameterSpec, asked: Asked): void {
  const path = `parameters.${name}`;
  const values = spec.kind === 'value' ? [spec.value] : spec.kind === 'values' ? spec.values : null;
  const numericChoices = asked.kind !== 'categorical' || asked.choices.every((c) => typeof c === 'number');
  const integer =
    asked.kind === 'int' ||
    (asked.kind === 'categorical' && asked.choices.every((c) => typeof c === 'number' && Number.isInteger(c)));
  const wanted =
    asked.kind === 'categorical'
      ? `values of type ${[...new Set(asked.choices.map(typeName))].join(' or ')} (model ${model.name} chooses ${name} from ${asked.choices.map((c) => quote(c)).join(', ')})`
      : `${integer ? 'integers' : 'numbers'} (model ${model.name} asks for ${name} as ${asked.kind === 'int' ? 'an integer' : 'a float'})`;
  if (values === null) {
    if (spec.kind !== 'range') return;
    const integral = spec.distribution === 'int_uniform' || (spec.distribution === 'q_uniform' && allIntegers(spec));
    if (!numericChoices || (integer && !integral))
      throw new InvalidArgumentError(
        `${path}.distribution`,
        spec.distribution,
        integer && numericChoices ? `int_uniform (or values): ${wanted}` : `{ values: [...] } with ${wanted}`,
      );
    return;
  }
  const allowedTypes =
    asked.kind === 'categorical' ? new Set(asked.choices.map(typeName)) : new Set<string>(['number']);
  values.forEach((v, i) => {
    const bad = !allowedTypes.has(typeName(v)) || (integer && typeof v === 'number' && !Number.isInteger(v));
    if (bad)
      throw new InvalidArgumentError(spec.kind === 'value' ? `${path}.value` : `${path}.values[${i}]`, v, wanted);
  });
}

function allIntegers(spec: { min: number; max: number; q?: number }): boolean {
  return [spec.min, spec.max, spec.q ?? 1].every((v) => Number.isInteger(v));
}
