/**
 * Test functions for sampler benchmarks, each with its search space and known optimum. The same
 * functions are written in `optuna_anchor.py` so Optuna runs on identical problems; a space is
 * handed to Python as JSON (`ParamSpec`), the function is matched by name.
 */
import type { ParamValue } from '../../src/space/distributions';
import type { Trial } from '../../src/study/trial';

/** One parameter, in a form both tfjs-tune and Optuna understand. */
export type ParamSpec =
  | {
      readonly name: string;
      readonly type: 'float';
      readonly low: number;
      readonly high: number;
      readonly log?: boolean;
      readonly step?: number;
    }
  | {
      readonly name: string;
      readonly type: 'int';
      readonly low: number;
      readonly high: number;
      readonly log?: boolean;
      readonly step?: number;
    }
  | { readonly name: string; readonly type: 'categorical'; readonly choices: readonly (string | number)[] };

export interface BenchProblem {
  readonly name: string;
  readonly space: readonly ParamSpec[];
  /** The global minimum of `evaluate`. */
  readonly optimum: number;
  evaluate(params: Readonly<Record<string, ParamValue>>): number;
}

/** Suggests every parameter of `problem`'s space, then evaluates it. */
export function objectiveOf(problem: BenchProblem): (trial: Trial) => number {
  return (trial) => {
    const params: Record<string, ParamValue> = {};
    for (const p of problem.space) {
      if (p.type === 'categorical') params[p.name] = trial.suggestCategorical(p.name, p.choices);
      else {
        const opts = {
          ...(p.log === undefined ? {} : { log: p.log }),
          ...(p.step === undefined ? {} : { step: p.step }),
        };
        params[p.name] =
          p.type === 'float'
            ? trial.suggestFloat(p.name, p.low, p.high, opts)
            : trial.suggestInt(p.name, p.low, p.high, opts);
      }
    }
    return problem.evaluate(params);
  };
}

const box = (prefix: string, n: number, low: number, high: number): ParamSpec[] =>
  Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}`, type: 'float' as const, low, high }));

const vector = (params: Readonly<Record<string, ParamValue>>, prefix: string, n: number): number[] =>
  Array.from({ length: n }, (_, i) => params[`${prefix}${i}`] as number);

const branin: BenchProblem = {
  name: 'branin-2d',
  space: [
    { name: 'x0', type: 'float', low: -5, high: 10 },
    { name: 'x1', type: 'float', low: 0, high: 15 },
  ],
  optimum: 0.39788735772973816,
  evaluate(p) {
    const [x1, x2] = vector(p, 'x', 2) as [number, number];
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
};

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];

const hartmann6: BenchProblem = {
  name: 'hartmann-6d',
  space: box('x', 6, 0, 1),
  optimum: -3.322368011415515,
  evaluate(p) {
    const x = vector(p, 'x', 6);
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) {
        const d = (x[j] as number) - (H6_P[i]?.[j] as number) * 1e-4;
        inner += (H6_A[i]?.[j] as number) * d * d;
      }
      sum += (H6_ALPHA[i] as number) * Math.exp(-inner);
    }
    return -sum;
  },
};

const rosenbrock: BenchProblem = {
  name: 'rosenbrock-10d',
  space: box('x', 10, -5, 10),
  optimum: 0,
  evaluate(p) {
    const x = vector(p, 'x', 10);
    let s = 0;
    for (let i = 0; i < 9; i++)
      s += 100 * ((x[i + 1] as number) - (x[i] as number) ** 2) ** 2 + (1 - (x[i] as number)) ** 2;
    return s;
  },
};

const ackley: BenchProblem = {
  name: 'ackley-5d',
  space: box('x', 5, -32.768, 32.768),
  optimum: 0,
  evaluate(p) {
    const x = vector(p, 'x', 5);
    const sq = x.reduce((s, v) => s + v * v, 0) / 5;
    const cos = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0) / 5;
    return -20 * Math.exp(-0.2 * Math.sqrt(sq)) - Math.exp(cos) + 20 + Math.E;
  },
};

const styblinskiTang: BenchProblem = {
  name: 'styblinski-tang-8d',
  space: box('x', 8, -5, 5),
  optimum: -39.16616570377142 * 8,
  evaluate(p) {
    return vector(p, 'x', 8).reduce((s, v) => s + (v ** 4 - 16 * v * v + 5 * v) / 2, 0);
  },
};

const ACTIVATION_PENALTY: Readonly<Record<string, number>> = { relu: 0.3, tanh: 0.6, gelu: 0, sigmoid: 1 };

/**
 * A tuning-shaped problem: log-scaled learning rate whose best value depends on the optimizer,
 * log-scaled integer width, integer depth, stepped dropout and a categorical activation.
 * Optimum 0 at adam, lr = 10^-2.5, units = 96, layers = 3, dropout = 0.2, gelu.
 */
const mixed: BenchProblem = {
  name: 'mixed-6d',
  space: [
    { name: 'lr', type: 'float', low: 1e-5, high: 1, log: true },
    { name: 'units', type: 'int', low: 8, high: 512, log: true },
    { name: 'layers', type: 'int', low: 1, high: 8 },
    { name: 'dropout', type: 'float', low: 0, high: 0.5, step: 0.05 },
    { name: 'activation', type: 'categorical', choices: ['relu', 'tanh', 'gelu', 'sigmoid'] },
    { name: 'optimizer', type: 'categorical', choices: ['adam', 'sgd', 'rmsprop'] },
  ],
  optimum: 0,
  evaluate(p) {
    const opt = p['optimizer'] as string;
    const bestLr = opt === 'sgd' ? -1.5 : -2.5;
    const optPenalty = opt === 'adam' ? 0 : opt === 'sgd' ? 0.2 : 0.1;
    return (
      (Math.log10(p['lr'] as number) - bestLr) ** 2 +
      Math.log2((p['units'] as number) / 96) ** 2 +
      ((p['layers'] as number) - 3) ** 2 / 4 +
      10 * ((p['dropout'] as number) - 0.2) ** 2 +
      (ACTIVATION_PENALTY[p['activation'] as string] as number) +
      optPenalty
    );
  },
};

export const PROBLEMS: readonly BenchProblem[] = [branin, hartmann6, rosenbrock, ackley, styblinskiTang, mixed];
