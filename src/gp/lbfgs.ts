/** A value and its gradient at a point; a non-finite value marks a point the line search must avoid. */
export interface ValueAndGradient {
  readonly value: number;
  readonly grad: Float64Array;
}

export interface LBFGSOptions {
  /** Iterations (accepted steps). */
  readonly maxIterations: number;
  /** Stop once every component of the projected gradient is below this (scipy's `gtol`). */
  readonly gtol?: number;
  /** Stop once a step lowers the value by less than ftol * max(1, |value|). */
  readonly ftol?: number;
  /** Function evaluations, line searches included. Default 4 * maxIterations + 1. */
  readonly maxEvaluations?: number;
  /** Halvings of the step before the line search gives up. Default 10. */
  readonly maxBacktracks?: number;
  /** Correction pairs kept. Default 10. */
  readonly memory?: number;
  /** Box bounds; steps are projected onto them. */
  readonly lower?: Float64Array;
  readonly upper?: Float64Array;
}

export interface LBFGSResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
}

/**
 * The iterations of L-BFGS as a generator: it yields each point it needs evaluated and takes that
 * point's value and gradient back through `next`, and returns the result. Written this way so that
 * one driver evaluates a single search ({@link minimizeLBFGS}) and another runs many in lockstep,
 * each round's points in one batched call ({@link minimizeLBFGSBatched}). A yielded point must not
 * be modified by the caller.
 */
export function* lbfgsSteps(
  x0: Float64Array,
  options: LBFGSOptions,
): Generator<Float64Array, LBFGSResult, ValueAndGradient> {
  const n = x0.length;
  const gtol = options.gtol ?? 1e-5;
  const ftol = options.ftol ?? 1e-10;
  const memory = options.memory ?? 10;
  const maxEvaluations = options.maxEvaluations ?? 4 * options.maxIterations + 1;
  const maxBacktracks = options.maxBacktracks ?? 10;
  const project = (x: Float64Array): Float64Array => {
    for (let i = 0; i < n; i++) {
      const lo = options.lower?.[i] ?? -Infinity;
      const hi = options.upper?.[i] ?? Infinity;
      x[i] = Math.min(hi, Math.max(lo, x[i] as number));
    }
    return x;
  };
  let x = project(x0.slice());
  let cur: ValueAndGradient = yield x;
  let evaluations = 1;
  let iterations = 0;
  if (!Number.isFinite(cur.value)) return { x, value: Infinity, iterations, evaluations };
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  while (iterations < options.maxIterations && evaluations < maxEvaluations) {
    const g = cur.grad;
    // Components held at a bound by a gradient pushing outward are frozen this step.
    const free = new Uint8Array(n);
    let gmax = 0;
    for (let i = 0; i < n; i++) {
      const gi = g[i] as number;
      const atLow = (x[i] as number) <= (options.lower?.[i] ?? -Infinity) && gi > 0;
      const atHigh = (x[i] as number) >= (options.upper?.[i] ?? Infinity) && gi < 0;
      free[i] = atLow || atHigh ? 0 : 1;
      if (free[i] === 1) gmax = Math.max(gmax, Math.abs(gi));
    }
    if (gmax < gtol) break;
    let d = direction(g, ss, ys);
    for (let i = 0; i < n; i++) if (free[i] === 0) d[i] = 0;
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (curvature information gone stale): restart from steepest descent.
      ss.length = 0;
      ys.length = 0;
      d = new Float64Array(n);
      for (let i = 0; i < n; i++) d[i] = free[i] === 1 ? -(g[i] as number) : 0;
      slope = dot(g, d);
    }
    // Without curvature pairs, the first step moves at most 1 unit along the largest component.
    let t = ss.length === 0 ? Math.min(1, 1 / gmax) : 1;
    let next: ValueAndGradient | null = null;
    let xn = x;
    // A float32 objective is noisy at ~1e-6 relative: past a few halvings the step is lost in that
    // noise, and the right answer is to stop rather than to keep shrinking it.
    for (let tries = 0; tries <= maxBacktracks && evaluations < maxEvaluations; tries++) {
      const xt = project(x.map((xi, i) => xi + t * (d[i] as number)));
      const trial: ValueAndGradient = yield xt;
      evaluations++;
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += (g[i] as number) * ((xt[i] as number) - (x[i] as number));
      if (Number.isFinite(trial.value) && trial.value <= cur.value + 1e-4 * decrease) {
        next = trial;
        xn = xt;
        break;
      }
      t *= 0.5;
    }
    if (next === null) break;
    iterations++;
    const s = xn.map((v, i) => v - (x[i] as number));
    const y = next.grad.map((v, i) => v - (g[i] as number));
    if (dot(s, y) > 1e-10 * Math.sqrt(dot(y, y) * dot(s, s))) {
      ss.push(s);
      ys.push(y);
      if (ss.length > memory) {
        ss.shift();
        ys.shift();
      }
    }
    const improvement = cur.value - next.value;
    x = xn;
    cur = next;
    if (improvement <= ftol * Math.max(1, Math.abs(cur.value))) break;
  }
  return { x, value: cur.value, iterations, evaluations };
}

/**
 * Minimises a smooth function of a few variables (the kernel hyperparameters) by limited-memory BFGS
 * with an Armijo backtracking line search, projecting onto box bounds. Plain float64 JS: the
 * dimension is small and the cost is in `f`, which does its work as tensor ops.
 */
export function minimizeLBFGS(
  f: (x: Float64Array) => ValueAndGradient,
  x0: Float64Array,
  options: LBFGSOptions,
): LBFGSResult {
  const steps = lbfgsSteps(x0, options);
  let request = steps.next();
  while (request.done !== true) request = steps.next(f(request.value));
  return request.value;
}

/**
 * Many independent L-BFGS searches run in lockstep: each round, the point every unfinished search
 * asks for goes to `f` in one call, with the indices of the searches asking (one batched tensor op
 * for an acquisition function), so k
 * searches cost about as many calls as the longest of them rather than their sum.
 */
export function minimizeLBFGSBatched(
  f: (xs: readonly Float64Array[], searches: readonly number[]) => readonly ValueAndGradient[],
  x0s: readonly Float64Array[],
  options: LBFGSOptions,
): LBFGSResult[] {
  const searches = x0s.map((x0) => lbfgsSteps(x0, options));
  const results: (LBFGSResult | null)[] = x0s.map(() => null);
  let requests = searches.map((s) => s.next());
  for (;;) {
    const open = requests.flatMap((r, i) => (r.done === true ? [] : [i]));
    requests.forEach((r, i) => {
      if (r.done === true) results[i] = r.value;
    });
    if (open.length === 0) break;
    const answers = f(
      open.map((i) => (requests[i] as IteratorYieldResult<Float64Array>).value),
      open,
    );
    const nextRequests = requests.slice();
    open.forEach(
      (i, k) =>
        (nextRequests[i] = (searches[i] as Generator<Float64Array, LBFGSResult, ValueAndGradient>).next(
          answers[k] as ValueAndGradient,
        )),
    );
    requests = nextRequests;
  }
  return results as LBFGSResult[];
}

/** -H g by the two-loop recursion, H the L-BFGS inverse-Hessian estimate. */
function direction(g: Float64Array, ss: readonly Float64Array[], ys: readonly Float64Array[]): Float64Array {
  const q = g.slice();
  const k = ss.length;
  const alphas = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    const s = ss[i] as Float64Array;
    const y = ys[i] as Float64Array;
    const a = dot(s, q) / dot(y, s);
    alphas[i] = a;
    for (let j = 0; j < q.length; j++) q[j] = (q[j] as number) - a * (y[j] as number);
  }
  if (k > 0) {
    const s = ss[k - 1] as Float64Array;
    const y = ys[k - 1] as Float64Array;
    const gamma = dot(s, y) / dot(y, y);
    for (let j = 0; j < q.length; j++) q[j] = (q[j] as number) * gamma;
  }
  for (let i = 0; i < k; i++) {
    const s = ss[i] as Float64Array;
    const y = ys[i] as Float64Array;
    const b = dot(y, q) / dot(y, s);
    for (let j = 0; j < q.length; j++) q[j] = (q[j] as number) + ((alphas[i] as number) - b) * (s[j] as number);
  }
  for (let j = 0; j < q.length; j++) q[j] = -(q[j] as number);
  return q;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
