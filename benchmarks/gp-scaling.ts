/**
 * GP scaling: posterior fit + predict (fixed hyperparameters, Matérn 5/2, d = 5, mean and variance
 * at 1,000 candidates) at n = 100 / 300 / 1,000 on each tfjs backend that loads, against plain float64
 * JS and ml-matrix in the same run (and scikit-learn when /usr/bin/python3 has it); then one full
 * GPSampler suggestion (hyperparameter fit + acquisition search) with 300 observations in 10
 * dimensions. Goal: that suggestion in < 1 s on a laptop-class CPU.
 */
import { spawnSync } from 'node:child_process';

import * as tf from '@tensorflow/tfjs';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

import { silentLogger } from '../src/util/logger';
import { choleskyInPlace, invertLower } from '../src/gp/dense-float64';
import { GPPosterior } from '../src/gp/posterior';
import { Rng } from '../src/random/rng';
import { GPSampler } from '../src/samplers/gp';
import { FloatDistribution } from '../src/space/distributions';
import type { StudyView } from '../src/study/study-view';
import { loadCpu, loadTensorflow, loadWasm, type BackendLoader } from '../src/training/backend/load-backends';
import { FrozenTrial } from '../src/trial/frozen-trial';
import type { BenchResult } from './result';

const D = 5;
const M = 1000;
const SIZES = [100, 300, 1000];
const W = [3, 1, 0.5, 2, 1.5]; // 1 / lengthscale^2
const SCALE = 1.3;
const NOISE = 1e-4;

interface Problem {
  readonly x: number[][];
  readonly y: number[];
  readonly candidates: number[][];
}

function problem(n: number): Problem {
  const rng = new Rng(`gp-scaling-${n}`);
  const point = (): number[] => Array.from({ length: D }, () => rng.next());
  const x = Array.from({ length: n }, point);
  return {
    x,
    y: x.map((p) => Math.sin(5 * (p[0] as number)) + (p[1] as number) ** 2),
    candidates: Array.from({ length: M }, point),
  };
}

function matern(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let d = 0; d < D; d++) s += (W[d] as number) * ((a[d] as number) - (b[d] as number)) ** 2;
  const r = Math.sqrt(5 * s);
  return SCALE * (1 + r + (5 * s) / 3) * Math.exp(-r);
}

/** Plain float64 JS: Cholesky, alpha, and the variance through L^-1 (the same algorithm as src/gp). */
function float64Posterior(p: Problem): number {
  const n = p.x.length;
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) l[i * n + j] = matern(p.x[i] as number[], p.x[j] as number[]) + (i === j ? NOISE : 0);
  if (choleskyInPlace(l, n) >= 0) throw new Error('float64 Cholesky failed');
  const linv = invertLower(l, n);
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k <= i; k++) z[i] = (z[i] as number) + (linv[i * n + k] as number) * (p.y[k] as number);
  const alpha = new Float64Array(n);
  for (let k = 0; k < n; k++)
    for (let i = 0; i <= k; i++) alpha[i] = (alpha[i] as number) + (linv[k * n + i] as number) * (z[k] as number);
  let check = 0;
  const kx = new Float64Array(n);
  for (const c of p.candidates) {
    let mean = 0;
    for (let j = 0; j < n; j++) {
      kx[j] = matern(c, p.x[j] as number[]);
      mean += (kx[j] as number) * (alpha[j] as number);
    }
    let ss = 0;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let k = 0; k <= i; k++) v += (linv[i * n + k] as number) * (kx[k] as number);
      ss += v * v;
    }
    check += mean + Math.max(SCALE - ss, 1e-10);
  }
  return check;
}

function mlMatrixPosterior(p: Problem): number {
  const n = p.x.length;
  const k = new Matrix(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) k.set(i, j, matern(p.x[i] as number[], p.x[j] as number[]) + (i === j ? NOISE : 0));
  const chol = new CholeskyDecomposition(k);
  const alpha = chol.solve(Matrix.columnVector(p.y));
  const kx = new Matrix(p.candidates.map((c) => p.x.map((xi) => matern(c, xi))));
  const mean = kx.mmul(alpha);
  const solved = chol.solve(kx.transpose()); // K^-1 k(X, x) for every candidate
  let check = 0;
  for (let c = 0; c < M; c++) {
    let q = 0;
    for (let j = 0; j < n; j++) q += kx.get(c, j) * solved.get(j, c);
    check += mean.get(c, 0) + Math.max(SCALE - q, 1e-10);
  }
  return check;
}

function tensorPosterior(p: Problem, path: 'auto' | 'blocked'): number {
  const x = tf.tensor2d(p.x);
  const hp = { inverseSquaredLengthscales: Float64Array.from(W), scale: SCALE, noise: NOISE };
  const posterior = GPPosterior.fit('matern52', x, p.y, hp, { path });
  try {
    const { mean, variance } = posterior.predictArrays(p.candidates);
    return mean.reduce((s, v) => s + v, 0) + variance.reduce((s, v) => s + v, 0);
  } finally {
    posterior.dispose();
    x.dispose();
  }
}

/** Median of `reps` timed runs after one untimed one, in ms. */
function time(run: () => unknown, reps: number): number {
  run();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

const repsFor = (n: number): number => (n >= 1000 ? 1 : 3);

/** scikit-learn's GaussianProcessRegressor (fixed kernel) on the same problems, if it is installed. */
function sklearnTimes(): Record<number, number> | null {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const script = `
import json, sys, time, numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
data = json.load(sys.stdin); out = {}
for n, p in data.items():
    k = ConstantKernel(p['scale'], 'fixed') * Matern(length_scale=p['ls'], length_scale_bounds='fixed', nu=2.5) + WhiteKernel(p['noise'], 'fixed')
    x, y, c = np.array(p['x']), np.array(p['y']), np.array(p['c'])
    ts = []
    for r in range(4):
        t0 = time.perf_counter(); GaussianProcessRegressor(k, optimizer=None).fit(x, y).predict(c, return_std=True); ts.append(time.perf_counter() - t0)
    out[n] = sorted(ts[1:])[1] * 1000
print(json.dumps(out))`;
  const input: Record<number, unknown> = {};
  for (const n of SIZES) {
    const p = problem(n);
    input[n] = { x: p.x, y: p.y, c: p.candidates, scale: SCALE, noise: NOISE, ls: W.map((w) => 1 / Math.sqrt(w)) };
  }
  const run = spawnSync('/usr/bin/python3', ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return run.status === 0 ? (JSON.parse(run.stdout) as Record<number, number>) : null;
}

/** One GPSampler suggestion with `n` completed trials in `dims` float parameters. */
function suggestionMs(n: number, dims: number): number {
  const rng = new Rng('gp-suggestion');
  const distributions: Record<string, FloatDistribution> = {};
  for (let d = 0; d < dims; d++) distributions[`x${d}`] = new FloatDistribution(-5, 5);
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params: Record<string, number> = {};
    let value = 0;
    for (let d = 0; d < dims; d++) {
      const v = rng.uniform(-5, 5);
      params[`x${d}`] = v;
      value += (v - d / dims) ** 2 + Math.sin(3 * v);
    }
    trials.push(
      new FrozenTrial({
        trialId: i,
        number: i,
        state: 'COMPLETE',
        values: [value],
        params,
        distributions,
        intermediateValues: new Map(),
        userAttrs: {},
        systemAttrs: {},
        datetimeStart: null,
        datetimeComplete: null,
      }),
    );
  }
  const study: StudyView = {
    studyName: 'gp-scaling',
    directions: ['minimize'],
    seed: 0,
    systemAttrs: {},
    getTrials: (o) => (o?.states === undefined ? trials : trials.filter((t) => o.states?.includes(t.state))),
    stop: () => undefined,
  };
  const sampler = new GPSampler({ seed: 1, logger: silentLogger });
  const next = trials[0] as FrozenTrial;
  const run = (number: number): void => {
    const trial = new FrozenTrial({ ...next, number, trialId: number, state: 'RUNNING', values: null, params: {} });
    sampler.sampleRelative(study, trial, sampler.inferRelativeSearchSpace(study));
  };
  run(n);
  const times: number[] = [];
  for (let i = 1; i <= 3; i++) {
    const t0 = performance.now();
    run(n + i);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[1] as number;
}

export async function gpScaling(): Promise<BenchResult> {
  const rows: Record<string, string | number>[] = [];
  const plain: Record<number, number> = {};
  const mlMatrix: Record<number, number> = {};
  for (const n of SIZES) {
    const p = problem(n);
    plain[n] = time(() => float64Posterior(p), repsFor(n));
    mlMatrix[n] = time(() => mlMatrixPosterior(p), repsFor(n));
  }
  const ms: Record<string, Record<number, number>> = { 'float64 JS': plain, 'ml-matrix': mlMatrix };
  const sklearn = sklearnTimes();
  if (sklearn !== null) ms['scikit-learn'] = sklearn;
  const loaders: [string, BackendLoader][] = [
    ['tensorflow', loadTensorflow],
    ['wasm', loadWasm],
    ['cpu', loadCpu],
  ];
  const suggestion: Record<string, number> = {};
  for (const [name, load] of loaders) {
    try {
      await load(undefined);
    } catch (error) {
      rows.push({ implementation: `tfjs ${name}`, note: `not loaded: ${String(error).slice(0, 80)}` });
      continue;
    }
    ms[`tfjs ${name}`] = {};
    if (name === 'cpu') ms['tfjs cpu, blocked path'] = {};
    for (const n of SIZES) {
      const p = problem(n);
      (ms[`tfjs ${name}`] as Record<number, number>)[n] = time(() => tensorPosterior(p, 'auto'), repsFor(n));
      if (name === 'cpu')
        (ms['tfjs cpu, blocked path'] as Record<number, number>)[n] = time(
          () => tensorPosterior(p, 'blocked'),
          repsFor(n),
        );
    }
    suggestion[name] = suggestionMs(300, 10);
  }
  for (const [implementation, byN] of Object.entries(ms)) {
    rows.push({ implementation, ...Object.fromEntries(SIZES.map((n) => [`n=${n} ms`, byN[n] ?? '-'])) });
  }
  for (const [name, t] of Object.entries(suggestion)) {
    rows.push({
      implementation: `GPSampler suggestion, tfjs ${name}`,
      'n=300 ms': t,
      note: 'n = 300, d = 10, fit + acquisition; goal < 1000 ms',
    });
  }
  const ratios: Record<string, number> = {};
  const best = ms['tfjs tensorflow'] ?? ms['tfjs wasm'] ?? ms['tfjs cpu'];
  for (const other of ['float64 JS', 'ml-matrix', 'scikit-learn']) {
    const ref = ms[other];
    if (best !== undefined && ref !== undefined)
      for (const n of SIZES) ratios[`fastest tfjs / ${other}, n=${n}`] = (best[n] as number) / (ref[n] as number);
  }
  for (const [name, t] of Object.entries(suggestion)) ratios[`suggestion ${name} / 1 s goal`] = t / 1000;
  return {
    name: 'gp-scaling',
    description:
      `GP posterior fit + predict (mean and variance), Matérn 5/2, d = ${D}, ${M} candidates, fixed hyperparameters; ` +
      `median ms. "tfjs cpu" runs the float64 factorisation (its auto path), "tfjs cpu, blocked path" the float32 blocked one.` +
      (sklearn === null ? ' scikit-learn: not installed.' : ''),
    rows,
    ratios,
  };
}
