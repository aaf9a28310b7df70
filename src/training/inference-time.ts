import * as tf from '@tensorflow/tfjs';

export interface InferenceTimeOptions {
  /** Timed predictions; the median is kept (the first call of a kernel is slower, so one untimed call runs first). Default 5. */
  readonly repeats?: number;
  /** Rows of `xs` per prediction. Default 256 (fewer when `xs` has fewer). */
  readonly maxRows?: number;
}

/**
 * Milliseconds per sample of `model.predict` on a batch of `xs`'s first rows: the median of
 * `repeats` timed calls after one warm-up call, each read back (`data()`) so that an asynchronous
 * backend (WebGPU, WebGL) is timed to the end of its work. The figure depends on the weights' shapes
 * only, not their values, so it can be taken before training. It is a wall-clock measurement: it
 * varies from run to run and machine to machine.
 */
export async function inferenceMsPerSample(
  model: tf.LayersModel,
  xs: tf.Tensor,
  options: InferenceTimeOptions = {},
): Promise<number> {
  const repeats = options.repeats ?? 5;
  const rows = Math.min(options.maxRows ?? 256, xs.shape[0] ?? 0);
  if (rows < 1) throw new RangeError('inferenceMsPerSample: xs has no rows');
  const batch = xs.slice(0, rows);
  try {
    const run = async (): Promise<void> => {
      const out = model.predict(batch, { batchSize: rows });
      const outs = Array.isArray(out) ? out : [out];
      await Promise.all(outs.map((o) => o.data()));
      tf.dispose(outs);
    };
    await run();
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      await run();
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return (times[Math.floor(times.length / 2)] as number) / rows;
  } finally {
    batch.dispose();
  }
}
