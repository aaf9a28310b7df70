/** Small plain-JS learners for checking what the synthetic datasets make learnable (no tfjs: fast, exact). */

/**
 * Multinomial logistic regression on standardised features, full-batch gradient descent with a little
 * L2. Returns the accuracy on the training rows and on the held-out rows.
 */
export function softmaxAccuracy(
  train: readonly (readonly number[])[],
  yTrain: ArrayLike<number>,
  test: readonly (readonly number[])[],
  yTest: ArrayLike<number>,
  classes: number,
  { epochs = 200, lr = 0.5, l2 = 1e-4 } = {},
): { train: number; test: number } {
  const d = train[0]?.length ?? 0;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const x of train) x.forEach((v, j) => (mean[j] = (mean[j] as number) + v / train.length));
  for (const x of train)
    x.forEach((v, j) => (std[j] = (std[j] as number) + (v - (mean[j] as number)) ** 2 / train.length));
  const norm = (x: readonly number[]): Float64Array =>
    Float64Array.from(x, (v, j) => (v - (mean[j] as number)) / (Math.sqrt(std[j] as number) + 1e-9));
  const a = train.map(norm);
  const b = test.map(norm);
  const w = Array.from({ length: classes }, () => new Float64Array(d + 1));
  const logits = (x: Float64Array): number[] =>
    w.map((wk) => {
      let z = wk[d] as number;
      for (let j = 0; j < d; j++) z += (wk[j] as number) * (x[j] as number);
      return z;
    });
  for (let e = 0; e < epochs; e++) {
    const grad = Array.from({ length: classes }, () => new Float64Array(d + 1));
    a.forEach((x, i) => {
      const z = logits(x);
      const top = Math.max(...z);
      const ez = z.map((v) => Math.exp(v - top));
      const sum = ez.reduce((s, v) => s + v, 0);
      ez.forEach((v, k) => {
        const g = v / sum - (k === yTrain[i] ? 1 : 0);
        const gk = grad[k] as Float64Array;
        for (let j = 0; j < d; j++) gk[j] = (gk[j] as number) + g * (x[j] as number);
        gk[d] = (gk[d] as number) + g;
      });
    });
    w.forEach((wk, k) =>
      wk.forEach((v, j) => (wk[j] = v - lr * (((grad[k] as Float64Array)[j] as number) / a.length + l2 * v))),
    );
  }
  const accuracy = (xs: Float64Array[], ys: ArrayLike<number>): number => {
    let ok = 0;
    xs.forEach((x, i) => {
      const z = logits(x);
      if (z.indexOf(Math.max(...z)) === ys[i]) ok++;
    });
    return ok / Math.max(xs.length, 1);
  };
  return { train: accuracy(a, yTrain), test: accuracy(b, yTest) };
}
