import * as tf from '@tensorflow/tfjs';

import { syntheticCifar } from '../../datasets/synthetic-cifar';
import { dartsModel, dartsNetworkOf } from '../../src/nas/darts-model';
import { PRIMITIVES } from '../../src/nas/primitives';
import { gradientPass, secondOrderAlphaGradient, supernetVariables, type Batch } from '../../src/nas/search/gradients';
import { MomentumSgd } from '../../src/nas/search/optimizers';
import { resolveBilevelOptions } from '../../src/nas/search/options';
import { runBilevelSearch } from '../../src/nas/search/run-bilevel';
import { initBackend } from '../../src/training/backend';
import { disposeModel } from '../../src/training/dispose-model';
import type { Logger } from '../../src/util/logger';
import { images, maxAbsDiff } from './helpers';

const SHAPE = { inputShape: [8, 8, 3], numClasses: 3, channels: 4, cells: 3, genotype: null, seed: 11 } as const;
/** One (reduction) cell: a third of the ops, for the tests that need no normal cell in the graph. */
const ONE_CELL = { ...SHAPE, cells: 1 } as const;

function batchOf(n: number, seed: number): Batch {
  return tf.tidy(() => ({
    x: images(n, 8, 3, seed),
    y: tf
      .oneHot(
        tf.tensor1d(
          Array.from({ length: n }, (_, i) => i % 3),
          'int32',
        ),
        3,
      )
      .toFloat() as tf.Tensor2D,
  }));
}

const tinyData = () => syntheticCifar({ nTrain: 8, nVal: 8, classes: 3, imageSize: 8, seed: 2 });

describe('the DARTS bilevel search (wasm backend)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('first-order α gradients match central finite differences of the loss', () => {
    const model = dartsModel(SHAPE);
    const network = dartsNetworkOf(model);
    const vars = supernetVariables(network);
    const batch = batchOf(6, 3);
    const base = tf.memory().numTensors;
    // Larger α than the 1e-3 start, so the loss is not flat in every direction.
    vars.alphas.forEach((a, i) => tf.tidy(() => a.assign(tf.randomNormal(a.shape, 0, 1, 'float32', 20 + i))));
    const pass = gradientPass(network, batch, vars.alphas);
    const analytic = pass.grads.map((g) => g.arraySync() as number[][]);
    tf.dispose(pass.grads);
    const lossAt = (): number =>
      tf.tidy(
        () =>
          tf.losses
            .softmaxCrossEntropy(batch.y, network.apply(batch.x, { training: true }) as tf.Tensor)
            .dataSync()[0] as number,
      );
    // Small enough for the curvature, large enough for float32; ReLU kinks make it a tolerance, not an equality.
    const h = 3e-3;
    // Entries of both α: the skip, a conv and a pool of a few edges, normal (0) and reduce (1).
    const probes: [number, number, number][] = [
      [0, 0, 1],
      [0, 13, 7],
      [1, 5, 5],
      [1, 11, 3],
    ];
    for (const [which, edge, op] of probes) {
      const alpha = vars.alphas[which]!;
      const original = alpha.arraySync() as number[][];
      const at = (delta: number): number => {
        const moved = original.map((row, e) => row.map((v, k) => (e === edge && k === op ? v + delta : v)));
        tf.tidy(() => alpha.assign(tf.tensor2d(moved)));
        return lossAt();
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      tf.tidy(() => alpha.assign(tf.tensor2d(original)));
      const g = analytic[which]![edge]![op]!;
      expect(Math.abs(g - numeric)).toBeLessThan(2e-3 + 0.05 * Math.abs(numeric));
    }
    // The ops of an edge compete through the softmax: some gradient is not negligible.
    expect(Math.max(...analytic.flat(2).map(Math.abs))).toBeGreaterThan(1e-3);
    expect(tf.memory().numTensors).toBe(base);
    tf.dispose([batch.x, batch.y]);
    disposeModel(model);
  });

  it('second order tends to first order as the virtual step ξ shrinks, and leaves the weights where they were', () => {
    const model = dartsModel(ONE_CELL);
    const network = dartsNetworkOf(model);
    const vars = supernetVariables(network);
    const train = batchOf(6, 4);
    const val = batchOf(6, 5);
    const sgd = new MomentumSgd(vars.weights, 0.9, 3e-4);
    const before = vars.weights.map((w) => tf.clone(w));
    const first = gradientPass(network, val, vars.alphas);
    const base = tf.memory().numTensors;
    const run = (learningRate: number) =>
      secondOrderAlphaGradient({ network, vars, train, val, learningRate, direction: (g) => sgd.direction(g) });
    const tiny = run(1e-7);
    const large = run(0.5);
    expect(tf.memory().numTensors).toBe(base + 4);
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(tiny.grads[i]!, first.grads[i]!)).toBeLessThan(1e-5);
    // A real step moves the validation point: the second-order gradient differs.
    expect(
      Math.max(maxAbsDiff(large.grads[0]!, first.grads[0]!), maxAbsDiff(large.grads[1]!, first.grads[1]!)),
    ).toBeGreaterThan(1e-5);
    vars.weights.forEach((w, i) => expect(maxAbsDiff(w, before[i]!)).toBe(0));
    tf.dispose([...before, ...first.grads, ...tiny.grads, ...large.grads, train.x, train.y, val.x, val.y]);
    sgd.dispose();
    disposeModel(model);
  });

  it.each(['first', 'second'] as const)(
    'a %s-order search epoch trains, reports and leaves no tensor behind',
    async (order) => {
      const data = tinyData();
      const base = tf.memory().numTensors;
      const model = dartsModel(ONE_CELL);
      const alphaBefore = dartsNetworkOf(model).alphaWeights()[1]!.read().arraySync() as number[][];
      const attrs = new Map<string, unknown>();
      const reports: [number, number][] = [];
      const trial = {
        report: (v: number, s: number) => void reports.push([v, s]),
        shouldPrune: () => false,
        setUserAttr: (k: string, v: unknown) => void attrs.set(k, v),
        setSystemAttr: (k: string, v: unknown) => void attrs.set(k, v),
      };
      const result = await runBilevelSearch(
        model,
        data,
        resolveBilevelOptions({ epochs: 1, batchSize: 8, order, seed: 1 }),
        { trial },
      );
      const alphaAfter = dartsNetworkOf(model).alphaWeights()[1]!.read().arraySync() as number[][];
      expect(alphaAfter).not.toEqual(alphaBefore);
      expect(result.epochs).toHaveLength(1);
      const [epoch] = result.epochs;
      expect(epoch!.alpha_entropy_reduce).toBeGreaterThan(2.07); // ~ ln 8 after a few steps of 3e-4
      expect(epoch!.alpha_entropy_reduce).toBeLessThan(Math.log(8) + 1e-9);
      expect(epoch!.learning_rate).toBe(0.025);
      expect(reports).toEqual([[epoch!.val_acc, 0]]);
      expect(attrs.get('genotype')).toEqual(result.genotype);
      expect((attrs.get('epoch_log') as unknown[])[0]).toEqual(epoch);
      disposeModel(model);
      expect(tf.memory().numTensors).toBe(base);
    },
  );

  it('stops by the DARTS+ rule on a hand-set α full of skips, and warns about the collapse', async () => {
    const model = dartsModel(ONE_CELL);
    const [normal] = dartsNetworkOf(model).alphaWeights();
    const skip = PRIMITIVES.indexOf('skip_connect');
    // Every edge favours skip_connect: the derived normal cell has 8 of them.
    tf.tidy(
      () =>
        void normal!.write(
          tf.tensor2d(Array.from({ length: 14 }, () => PRIMITIVES.map((_, k) => (k === skip ? 3 : 0)))),
        ),
    );
    const warnings: string[] = [];
    const logger: Logger = { info: () => undefined, warn: (m) => void warnings.push(m) };
    const options = resolveBilevelOptions({ epochs: 3, batchSize: 8, earlyStopSkips: 2, seed: 1 });
    const result = await runBilevelSearch(model, tinyData(), options, { logger });
    expect(result.stopped).toBe('early-stop');
    expect(result.epochs).toHaveLength(1);
    expect(result.epochs[0]!.skip_count_normal).toBe(8);
    expect(warnings.join()).toMatch(/normal cell has 8 skip_connect edges \(more than 2\)/);
    disposeModel(model);
  });

  it('fills in DARTS defaults and refuses bad options by name', () => {
    const o = resolveBilevelOptions();
    expect(o).toMatchObject({ epochs: 50, batchSize: 64, order: 'first', earlyStopSkips: false });
    expect(o.weights).toEqual({
      learningRate: 0.025,
      learningRateMin: 0.001,
      momentum: 0.9,
      weightDecay: 3e-4,
      gradClip: 5,
    });
    expect(o.alpha).toEqual({ learningRate: 3e-4, beta1: 0.5, beta2: 0.999, weightDecay: 1e-3 });
    expect(() => resolveBilevelOptions({ order: 'third' as never })).toThrow(
      /order: got "third"; expected 'first' or 'second'/,
    );
    expect(() => resolveBilevelOptions({ weights: { momentum: 1 } })).toThrow(
      /weights\.momentum: got 1; expected a number in \[0, 1\)/,
    );
    expect(() => resolveBilevelOptions({ alpha: { beta: 0.5 } as never }, 'darts.search.')).toThrow(
      /darts\.search\.alpha\.beta: got 0\.5; expected a key among learningRate, beta1/,
    );
    expect(() => resolveBilevelOptions({ weights: { learningRate: 0.01, learningRateMin: 0.1 } })).toThrow(
      /weights\.learningRateMin: got 0\.1/,
    );
    expect(() => resolveBilevelOptions({ earlyStopSkips: 0 })).toThrow(
      /earlyStopSkips: got 0; expected false or an integer in \[1, 8\]/,
    );
    expect(() => resolveBilevelOptions({ epochs: 0 })).toThrow(/epochs: got 0; expected a positive integer/);
  });
});
