/**
 * The multi-objective test problems (Zitzler, Deb & Thiele 2000; Deb et al. 2002), every
 * objective minimised over [0, 1]^n. ./optuna_mo_anchor.py mirrors them by name.
 */
export interface MOProblem {
  readonly name: string;
  readonly nVars: number;
  readonly nObjectives: number;
  /** Hypervolume of the true Pareto front at the benchmark's reference point (1.1 per objective). */
  readonly trueHypervolume: number;
  readonly evaluate: (x: readonly number[]) => number[];
}

function zdtG(x: readonly number[]): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += x[i] as number;
  return 1 + (9 * s) / (x.length - 1);
}

export const MO_PROBLEMS: readonly MOProblem[] = [
  {
    name: 'zdt1',
    nVars: 5,
    nObjectives: 2,
    trueHypervolume: 1.21 - 1 / 3,
    evaluate: (x) => {
      const f1 = x[0] as number;
      const g = zdtG(x);
      return [f1, g * (1 - Math.sqrt(f1 / g))];
    },
  },
  {
    name: 'zdt2',
    nVars: 5,
    nObjectives: 2,
    trueHypervolume: 1.21 - 2 / 3,
    evaluate: (x) => {
      const f1 = x[0] as number;
      const g = zdtG(x);
      return [f1, g * (1 - (f1 / g) ** 2)];
    },
  },
  {
    name: 'zdt3',
    nVars: 5,
    nObjectives: 2,
    trueHypervolume: 1.332,
    evaluate: (x) => {
      const f1 = x[0] as number;
      const g = zdtG(x);
      return [f1, g * (1 - Math.sqrt(f1 / g) - (f1 / g) * Math.sin(10 * Math.PI * f1))];
    },
  },
  {
    name: 'dtlz2',
    nVars: 6,
    nObjectives: 3,
    // The positive octant of the unit sphere: 1.1³ minus its volume π / 6.
    trueHypervolume: 1.331 - Math.PI / 6,
    evaluate: (x) => {
      let g = 0;
      for (let i = 2; i < x.length; i++) g += ((x[i] as number) - 0.5) ** 2;
      const a = ((x[0] as number) * Math.PI) / 2;
      const b = ((x[1] as number) * Math.PI) / 2;
      return [(1 + g) * Math.cos(a) * Math.cos(b), (1 + g) * Math.cos(a) * Math.sin(b), (1 + g) * Math.sin(a)];
    },
  },
];
