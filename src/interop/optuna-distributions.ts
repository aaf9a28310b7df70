import { InvalidArgumentError } from '../errors';
import {
  CategoricalDistribution,
  FloatDistribution,
  IntDistribution,
  type CategoricalChoice,
  type Distribution,
} from '../space/distributions';
import { PyFloat, toPythonJSON, type PyJson } from './python-json';

/** A distribution as Optuna's `distribution_to_json` writes it (a JSON string inside the log line). */
export function distributionToOptuna(d: Distribution): string {
  const json = d.toJSON();
  let out: PyJson;
  if (json.type === 'float') {
    out = {
      name: 'FloatDistribution',
      attributes: {
        step: json.step === null ? null : new PyFloat(json.step),
        low: new PyFloat(json.low),
        high: new PyFloat(json.high),
        log: json.log,
      },
    };
  } else if (json.type === 'int') {
    out = { name: 'IntDistribution', attributes: { log: json.log, step: json.step, low: json.low, high: json.high } };
  } else {
    out = { name: 'CategoricalDistribution', attributes: { choices: json.choices } };
  }
  return toPythonJSON(out);
}

function num(attrs: Record<string, unknown>, key: string, where: string): number {
  const v = attrs[key];
  if (typeof v !== 'number') throw new InvalidArgumentError(`${where}.attributes.${key}`, v, 'a number');
  return v;
}

/**
 * Optuna's `json_to_distribution`, current names and the pre-3.0 ones (Uniform, LogUniform,
 * DiscreteUniform, IntUniform, IntLogUniform), which older journals and copies still hold.
 */
export function distributionFromOptuna(text: string, where: string): Distribution {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(where, text, 'a distribution as JSON text');
  }
  const { name, attributes } = (parsed ?? {}) as { name?: unknown; attributes?: unknown };
  const a = (attributes ?? {}) as Record<string, unknown>;
  const log = a['log'] === true;
  const step = typeof a['step'] === 'number' ? a['step'] : null;
  switch (name) {
    case 'FloatDistribution':
      return new FloatDistribution(num(a, 'low', where), num(a, 'high', where), log, step);
    case 'UniformDistribution':
      return new FloatDistribution(num(a, 'low', where), num(a, 'high', where));
    case 'LogUniformDistribution':
      return new FloatDistribution(num(a, 'low', where), num(a, 'high', where), true);
    case 'DiscreteUniformDistribution':
      return new FloatDistribution(num(a, 'low', where), num(a, 'high', where), false, num(a, 'q', where));
    case 'IntDistribution':
      return new IntDistribution(num(a, 'low', where), num(a, 'high', where), log, step ?? 1);
    case 'IntUniformDistribution':
      return new IntDistribution(num(a, 'low', where), num(a, 'high', where), false, step ?? 1);
    case 'IntLogUniformDistribution':
      return new IntDistribution(num(a, 'low', where), num(a, 'high', where), true);
    case 'CategoricalDistribution':
      if (!Array.isArray(a['choices']))
        throw new InvalidArgumentError(`${where}.attributes.choices`, a['choices'], 'a list');
      return new CategoricalDistribution(a['choices'] as CategoricalChoice[]);
    default:
      throw new InvalidArgumentError(
        `${where}.name`,
        name,
        'FloatDistribution, IntDistribution, CategoricalDistribution (or a pre-3.0 Optuna name)',
      );
  }
}
