import { InvalidArgumentError } from '../../errors';
import type { Rng } from '../../random/rng';

/** What a crossover knows of the study besides its parents. */
export interface CrossoverContext {
  readonly nObjectives: number;
}

/**
 * A crossover of NSGA-II / NSGA-III (Optuna's `BaseCrossover`): `nParents` points of the unit cube
 * (each numeric parameter mapped to [0, 1], log ones in log space) give one child point, which
 * may fall outside the cube (the sampler then draws new parents, as Optuna does). Categorical
 * parameters never come here: they take each value from the first or last parent.
 */
export interface Crossover {
  readonly nParents: number;
  crossover(parents: readonly Float64Array[], rng: Rng, context: CrossoverContext): Float64Array;
}

function positive(field: string, v: number | undefined, fallback: number | undefined): number | undefined {
  if (v === undefined) return fallback;
  if (!(typeof v === 'number' && v > 0 && Number.isFinite(v)))
    throw new InvalidArgumentError(field, v, 'a finite number > 0');
  return v;
}

/**
 * Each gene from either parent: the first's with probability `swappingProb`, else the second's
 * (Optuna's reading; the default 0.5 makes it symmetric).
 */
export class UniformCrossover implements Crossover {
  readonly nParents = 2;
  readonly swappingProb: number;

  constructor(swappingProb = 0.5) {
    if (!(typeof swappingProb === 'number' && swappingProb >= 0 && swappingProb <= 1)) {
      throw new InvalidArgumentError('UniformCrossover swappingProb', swappingProb, 'a number in [0, 1]');
    }
    this.swappingProb = swappingProb;
  }

  crossover(parents: readonly Float64Array[], rng: Rng, _context?: CrossoverContext): Float64Array {
    const [a, b] = parents as [Float64Array, Float64Array];
    return a.map((v, i) => (rng.next() >= this.swappingProb ? (b[i] as number) : v));
  }
}

/** Blend crossover BLX-α (Eshelman & Schaffer 1993): each gene uniform on the parents' interval widened by α of its length each side. */
export class BLXAlphaCrossover implements Crossover {
  readonly nParents = 2;
  readonly alpha: number;

  constructor(alpha = 0.5) {
    this.alpha = positive('BLXAlphaCrossover alpha', alpha, 0.5) as number;
  }

  crossover(parents: readonly Float64Array[], rng: Rng, _context?: CrossoverContext): Float64Array {
    const [a, b] = parents as [Float64Array, Float64Array];
    return a.map((x, i) => {
      const y = b[i] as number;
      const lo = Math.min(x, y);
      const hi = Math.max(x, y);
      const d = this.alpha * (hi - lo);
      return lo - d + (hi - lo + 2 * d) * rng.next();
    });
  }
}

/**
 * One of the two children of a pair-wise crossover, gene by gene: with probability 1/2 the pair
 * `(c1, c2)` crossed, otherwise the parents' own genes, each in either order (Optuna's SBX / vSBX).
 */
function pickChild(c1: Float64Array, c2: Float64Array, a: Float64Array, b: Float64Array, rng: Rng): Float64Array {
  const first = new Float64Array(a.length);
  const second = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const [u, v] = rng.next() < 0.5 ? [c1[i] as number, c2[i] as number] : [a[i] as number, b[i] as number];
    const swap = rng.next() >= 0.5;
    first[i] = swap ? v : u;
    second[i] = swap ? u : v;
  }
  return rng.next() < 0.5 ? first : second;
}

/**
 * Simulated binary crossover (Deb & Agrawal 1995) with bounds, so children stay in the cube. `eta`:
 * the distribution index (larger: children nearer their parents); default 20 for several
 * objectives, 2 for one (Optuna's).
 */
export class SBXCrossover implements Crossover {
  readonly nParents = 2;
  readonly eta: number | undefined;

  constructor(eta?: number) {
    this.eta = positive('SBXCrossover eta', eta, undefined);
  }

  crossover(parents: readonly Float64Array[], rng: Rng, context: CrossoverContext): Float64Array {
    const [a, b] = parents as [Float64Array, Float64Array];
    const eta = this.eta ?? (context.nObjectives > 1 ? 20 : 2);
    const n = a.length;
    const c1 = new Float64Array(n);
    const c2 = new Float64Array(n);
    const spread = (u: number, alpha: number): number =>
      u > 1 / alpha ? (1 / (2 - u * alpha)) ** (1 / (eta + 1)) : (u * alpha) ** (1 / (eta + 1));
    for (let i = 0; i < n; i++) {
      const lo = Math.min(a[i] as number, b[i] as number);
      const hi = Math.max(a[i] as number, b[i] as number);
      const diff = Math.max(hi - lo, 1e-10);
      // alpha1, alpha2 keep each child inside [0, 1] (the bounds the plain SBX ignores).
      const alpha1 = 2 - (1 + (2 * lo) / diff) ** -(eta + 1);
      const alpha2 = 2 - (1 + (2 * (1 - hi)) / diff) ** -(eta + 1);
      const u = rng.next();
      c1[i] = 0.5 * (lo + hi - spread(u, alpha1) * diff);
      c2[i] = 0.5 * (lo + hi + spread(u, alpha2) * diff);
    }
    return pickChild(c1, c2, a, b, rng);
  }
}

/** SBX's variant vSBX (Ono et al.), which also reaches beyond the parents. `eta` as for SBX. */
export class VSBXCrossover implements Crossover {
  readonly nParents = 2;
  readonly eta: number | undefined;

  constructor(eta?: number) {
    this.eta = positive('VSBXCrossover eta', eta, undefined);
  }

  crossover(parents: readonly Float64Array[], rng: Rng, context: CrossoverContext): Float64Array {
    const [a, b] = parents as [Float64Array, Float64Array];
    const eta = this.eta ?? (context.nObjectives > 1 ? 20 : 2);
    const n = a.length;
    const c1 = new Float64Array(n);
    const c2 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = a[i] as number;
      const y = b[i] as number;
      const u = rng.next();
      const b1 = (u / 2) ** (1 / (eta + 1));
      const b2 = ((1 - u) / 2) ** (1 / (eta + 1));
      if (u > 0.5) {
        c1[i] = 0.5 * ((1 - b1) * x + (1 + b1) * y);
        c2[i] = 0.5 * (-(1 - b2) * x + (3 - b2) * y);
      } else {
        c1[i] = 0.5 * ((1 + b1) * x + (1 - b1) * y);
        c2[i] = 0.5 * ((3 - b2) * x - (1 - b2) * y);
      }
    }
    return pickChild(c1, c2, a, b, rng);
  }
}

const sub = (a: Float64Array, b: Float64Array): Float64Array => a.map((v, i) => v - (b[i] as number));
const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * (b[i] as number), 0);

/** An orthonormal basis of the space orthogonal to the unit vector `e` (Gram–Schmidt on e, e_1, e_2, ...). */
function orthogonalComplement(e: Float64Array): Float64Array[] {
  const n = e.length;
  const basis: Float64Array[] = [e];
  for (let k = 0; k < n && basis.length < n; k++) {
    const v = new Float64Array(n);
    v[k] = 1;
    for (const q of basis) {
      const p = dot(v, q);
      for (let i = 0; i < n; i++) v[i] = (v[i] as number) - p * (q[i] as number);
    }
    const norm = Math.sqrt(dot(v, v));
    if (norm > 1e-10) basis.push(v.map((x) => x / norm));
  }
  return basis.slice(1);
}

/**
 * Unimodal normal distribution crossover, UNDX (Ono & Kobayashi; Kita et al. 2001): a child
 * around the midpoint of the first two parents, spread along their line by `sigmaXi` and across
 * it, scaled by the third parent's distance from that line, by `sigmaEta` (default 0.35 / √n).
 * As in Optuna, the normal draws take σ² as their standard deviation.
 */
export class UNDXCrossover implements Crossover {
  readonly nParents = 3;
  readonly sigmaXi: number;
  readonly sigmaEta: number | undefined;

  constructor(sigmaXi = 0.5, sigmaEta?: number) {
    this.sigmaXi = positive('UNDXCrossover sigmaXi', sigmaXi, 0.5) as number;
    this.sigmaEta = positive('UNDXCrossover sigmaEta', sigmaEta, undefined);
  }

  crossover(parents: readonly Float64Array[], rng: Rng, _context?: CrossoverContext): Float64Array {
    const [x1, x2, x3] = parents as [Float64Array, Float64Array, Float64Array];
    const n = x1.length;
    const sigmaEta = this.sigmaEta ?? 0.35 / Math.sqrt(n);
    const d = sub(x1, x2);
    const etas = Array.from({ length: n }, () => rng.normal(0, sigmaEta ** 2));
    const xi = rng.normal(0, this.sigmaXi ** 2);
    const child = x1.map((v, i) => (v + (x2[i] as number)) / 2 + xi * (d[i] as number));
    const length = Math.sqrt(dot(d, d));
    if (n === 1 || length === 0) return child;
    const e12 = sub(x2, x1).map((v) => v / length);
    const v13 = sub(x3, x1);
    const along = dot(v13, e12);
    const across = v13.map((v, i) => v - along * (e12[i] as number));
    const distance = Math.sqrt(dot(across, across));
    orthogonalComplement(e12).forEach((basis, k) => {
      for (let i = 0; i < n; i++)
        child[i] = (child[i] as number) + distance * (etas[k] as number) * (basis[i] as number);
    });
    return child;
  }
}

/**
 * Simplex crossover, SPX (Tsutsui et al. 1999): a child uniform in the parents' simplex expanded
 * by `epsilon` about its centroid (default √(n + 2)).
 */
export class SPXCrossover implements Crossover {
  readonly nParents = 3;
  readonly epsilon: number | undefined;

  constructor(epsilon?: number) {
    this.epsilon = positive('SPXCrossover epsilon', epsilon, undefined);
  }

  crossover(parents: readonly Float64Array[], rng: Rng, _context?: CrossoverContext): Float64Array {
    const k = parents.length;
    const n = (parents[0] as Float64Array).length;
    const epsilon = this.epsilon ?? Math.sqrt(n + 2);
    const centroid = new Float64Array(n);
    for (const p of parents) for (let i = 0; i < n; i++) centroid[i] = (centroid[i] as number) + (p[i] as number) / k;
    const expanded = parents.map((p) =>
      p.map((v, i) => (centroid[i] as number) + epsilon * (v - (centroid[i] as number))),
    );
    let c = new Float64Array(n);
    for (let j = 1; j < k; j++) {
      const r = rng.next() ** (1 / j);
      const prev = expanded[j - 1] as Float64Array;
      const cur = expanded[j] as Float64Array;
      c = c.map((v, i) => r * ((prev[i] as number) - (cur[i] as number) + v));
    }
    const last = expanded[k - 1] as Float64Array;
    return last.map((v, i) => v + (c[i] as number));
  }
}
