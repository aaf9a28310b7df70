import { logGaussMass } from '../../samplers/tpe/truncnorm';
import type { Distribution } from '../../space/distributions';
import type { FrozenTrial } from '../../trial/frozen-trial';

// Optuna's PED-ANOVA grid: a numeric domain becomes at most this many points.
const N_STEPS = 50;
// 1.64 standard deviations (90 %) of the narrowest kernel fit in half a grid cell.
const SIGMA_MIN = 0.5 / 1.64;

/**
 * How many of `trials` fall on each point of the parameter's grid: a numeric domain cut into at
 * most 50 evenly spaced points (in log space when log-scaled; fewer for a small integer or stepped
 * domain), a categorical one point per choice. Midpoint ties go to the lower point.
 */
export function gridCounts(name: string, d: Distribution, trials: readonly FrozenTrial[]): Float64Array {
  if (d.type === 'categorical') {
    const counts = new Float64Array(d.choices.length);
    for (const t of trials) {
      const i = d.toInternal(t.params[name] ?? null);
      counts[i] = (counts[i] as number) + 1;
    }
    return counts;
  }
  let n = N_STEPS;
  if (d.type === 'int' && d.log) n = Math.min(Math.ceil(Math.log(d.high - d.low + 1) / Math.log(2)) + 1, n);
  else if (d.step !== null) n = Math.min(Math.round((d.high - d.low) / d.step) + 1, n);
  const scale = d.log ? Math.log : (v: number): number => v;
  const low = scale(d.low);
  const width = (scale(d.high) - low) / (n - 1);
  const counts = new Float64Array(n);
  for (const t of trials) {
    const raw = Math.ceil((scale(t.params[name] as number) - low) / width - 0.5);
    const i = Math.min(n - 1, Math.max(0, raw));
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}

/**
 * The density, on each grid point, of a Parzen estimator of the counted trials plus one prior
 * kernel (weight `priorWeight`): Optuna's PED-ANOVA estimator, whose numeric kernels are discrete
 * truncated normals with Scott's-rule bandwidth (TPE's own is too wide for this use).
 */
export function gridDensity(counts: Float64Array, categorical: boolean, priorWeight: number): Float64Array {
  const size = counts.length;
  const observed: number[] = [];
  for (let i = 0; i < size; i++) if ((counts[i] as number) > 0) observed.push(i);
  const weights = observed.map((i) => counts[i] as number);
  const mixture = observed.length === 0 ? [1] : [...weights, priorWeight];
  const mixtureSum = mixture.reduce((a, b) => a + b, 0);
  const pdf = new Float64Array(size);
  if (categorical) {
    if (observed.length === 0) return pdf.fill(1 / size);
    const nKernels = observed.length + 1;
    // Kernel k: priorWeight / nKernels on every choice, plus 1 on its own; the prior kernel is flat.
    for (let k = 0; k < nKernels; k++) {
      const own = observed[k];
      const rowSum = (size * priorWeight) / nKernels + (own === undefined ? 0 : 1);
      for (let x = 0; x < size; x++) {
        const mass = priorWeight / nKernels + (x === own ? 1 : 0);
        pdf[x] = (pdf[x] as number) + ((mixture[k] as number) / mixtureSum) * (rowSum === 0 ? mass : mass / rowSum);
      }
    }
    return pdf;
  }
  const low = 0;
  const high = size - 1;
  const mus: number[] = [];
  const sigmas: number[] = [];
  if (observed.length > 0) {
    const total = weights.reduce((a, b) => a + b, 0);
    let mean = 0;
    observed.forEach((o, i) => (mean += o * (weights[i] as number)));
    mean /= total;
    let ss = 0;
    observed.forEach((o, i) => (ss += (o - mean) * (o - mean) * (weights[i] as number)));
    let sigma = Math.sqrt(ss / Math.max(1, total - 1));
    const cumulative: number[] = [];
    weights.reduce((acc, w) => (cumulative.push(acc + w), acc + w), 0);
    const q1 = Math.floor(total / 4);
    const q3 = Math.floor((total * 3) / 4);
    const q1Index = cumulative.findIndex((c) => c >= q1);
    let q3Index = cumulative.findIndex((c) => c > q3);
    if (q3Index < 0) q3Index = observed.length - 1;
    const iqr = (observed[q3Index] as number) - (observed[q1Index] as number);
    sigma = 1.059 * Math.min(iqr / 1.34, sigma) * total ** -0.2;
    for (const o of observed) {
      mus.push(o);
      sigmas.push(Math.max(sigma, SIGMA_MIN));
    }
  }
  mus.push((low + high) / 2);
  sigmas.push(high - low + 1);
  mus.forEach((mu, k) => {
    const s = sigmas[k] as number;
    const logNorm = logGaussMass((low - 0.5 - mu) / s, (high + 0.5 - mu) / s);
    const w = (mixture[k] as number) / mixtureSum;
    for (let x = 0; x < size; x++) {
      pdf[x] = (pdf[x] as number) + w * Math.exp(logGaussMass((x - 0.5 - mu) / s, (x + 0.5 - mu) / s) - logNorm);
    }
  });
  return pdf;
}
