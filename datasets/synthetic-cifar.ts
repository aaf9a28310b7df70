import { Rng } from '../src/random';
import { drawPattern, PATTERN_NAMES, type PatternPlacement } from './cifar-patterns';
import { balancedLabels } from './dataset-ops';
import type { Dataset, DatasetSplits } from './types';
import { checkInt, checkRange, checkSeed } from './validate';

export interface SyntheticCifarOptions {
  nTrain: number;
  nVal: number;
  nTest?: number;
  /** Seeds every draw; the same seed, the same data. Default 0. */
  seed?: number | string;
  /** 2 to 10 classes; class k is the k-th entry of {@link CIFAR_CLASS_ORDER}. */
  classes?: number;
  /** Image side in pixels (8 to 64); 32 like CIFAR. Smaller images make fast CPU smoke tests. */
  imageSize?: number;
  /** Standard deviation of the per-channel pixel noise (uniform), before clipping to [0, 1]. */
  noise?: number;
}

/**
 * The patterns in class-id order: the first few are the most unlike one another, so a 2- or 3-class
 * dataset is not an accidental fine-grained task (circle vs square).
 */
export const CIFAR_CLASS_ORDER: readonly string[] = [0, 4, 3, 7, 2, 5, 8, 1, 6, 9].map(
  (p) => PATTERN_NAMES[p] as string,
);
const PATTERN_OF_CLASS = [0, 4, 3, 7, 2, 5, 8, 1, 6, 9];

/** Half-range of the rotation jitter per pattern: full turns where the class allows it, small where orientation *is* the class. */
const ROTATION = [Math.PI, 0.35, 0.35, 0.35, 0.2, 0.2, 0.2, 0.2, Math.PI, Math.PI];

/**
 * CIFAR-shaped images (`[N, 32, 32, 3]`, NHWC, values in [0, 1]) whose class is carried only by
 * spatial structure: a shape (circle, square, triangle, cross, ring, pair of blobs) or a texture patch
 * (horizontal / vertical / diagonal stripes, checkerboard).
 *
 * Everything else is nuisance, drawn independently of the class:
 * - two colours per image, uniform in RGB with a minimum luminance contrast, and a coin decides which
 *   is the foreground; since both come from the same distribution, every class has the same expected
 *   mean colour (colour cannot leak the label);
 * - position (the centre moves over most of the image), scale (±25%), rotation (see ROTATION), stripe
 *   period and phase, triangle and diagonal mirroring;
 * - a linear illumination gradient, then uniform pixel noise.
 * Because the pattern moves, no pixel is informative on its own: a dense net over raw pixels has to
 * learn every position separately, while convolution + pooling shares what it learns across positions.
 *
 * Labels are exactly balanced. Each split comes from its own stream (`seed/train`, `seed/val`,
 * `seed/test`), so changing `nTrain` leaves the validation and test images unchanged.
 */
export function syntheticCifar(options: SyntheticCifarOptions): DatasetSplits {
  const { nTrain, nVal, nTest = 0, seed = 0, classes = 10, imageSize = 32, noise = 0.08 } = options;
  checkInt('nTrain', nTrain, 0);
  checkInt('nVal', nVal, 0);
  checkInt('nTest', nTest, 0);
  checkInt('classes', classes, 2, 10);
  checkInt('imageSize', imageSize, 8, 64);
  checkRange('noise', noise, 0, 1);
  checkSeed(seed);
  const root = new Rng(seed);
  const make = (name: string, n: number): Dataset => renderSplit(n, classes, imageSize, noise, root.derive(name));
  const out: DatasetSplits = { train: make('train', nTrain), val: make('val', nVal) };
  if (nTest > 0) out.test = make('test', nTest);
  return out;
}

function renderSplit(n: number, classes: number, size: number, noise: number, rng: Rng): Dataset {
  const y = balancedLabels(n, classes, rng);
  const pixels = size * size;
  const x = new Float32Array(n * pixels * 3);
  const mask = new Float32Array(pixels);
  const noiseHalfWidth = noise * Math.sqrt(3); // uniform on [-a, a] has std a / sqrt(3)
  for (let i = 0; i < n; i++) {
    const pattern = PATTERN_OF_CLASS[y[i] as number] as number;
    const [fg, bg] = drawColours(rng);
    drawPattern(pattern, drawPlacement(pattern, size, rng), size, mask);
    // Illumination: a plane through the image centre with a random tilt, mean 1 over the image.
    const tilt = rng.uniform(-0.25, 0.25);
    const dir = rng.uniform(0, 2 * Math.PI);
    const gx = (tilt * Math.cos(dir)) / size;
    const gy = (tilt * Math.sin(dir)) / size;
    const base = i * pixels * 3;
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        const px = row * size + col;
        const m = mask[px] as number;
        const light = 1 + gx * (col + 0.5 - size / 2) + gy * (row + 0.5 - size / 2);
        for (let c = 0; c < 3; c++) {
          const b = bg[c] as number;
          const v = (b + ((fg[c] as number) - b) * m) * light + (2 * rng.next() - 1) * noiseHalfWidth;
          x[base + px * 3 + c] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
      }
    }
  }
  return { x, xShape: [n, size, size, 3], y, numClasses: classes, classNames: CIFAR_CLASS_ORDER.slice(0, classes) };
}

/** Two RGB colours with luminance contrast of at least 0.25, in random roles [foreground, background]. */
function drawColours(rng: Rng): [number[], number[]] {
  let a = [0, 0, 0];
  let b = [1, 1, 1];
  // Rejection sampling keeps both colours identically distributed (about 45% acceptance); the
  // fallback (black on white) is practically never reached and is itself symmetric under the coin.
  for (let attempt = 0; attempt < 64; attempt++) {
    const ca = [rng.next(), rng.next(), rng.next()];
    const cb = [rng.next(), rng.next(), rng.next()];
    if (Math.abs(luminance(ca) - luminance(cb)) >= 0.25) {
      a = ca;
      b = cb;
      break;
    }
  }
  return rng.next() < 0.5 ? [a, b] : [b, a];
}

function luminance(c: number[]): number {
  return 0.299 * (c[0] as number) + 0.587 * (c[1] as number) + 0.114 * (c[2] as number);
}

function drawPlacement(pattern: number, size: number, rng: Rng): PatternPlacement {
  const unit = size / 32;
  const scale = unit * rng.uniform(0.75, 1.25);
  // Keep the centre far enough in that most of the pattern (radius about 9 units) stays visible.
  const margin = Math.min(8 * scale, size / 2);
  const half = ROTATION[pattern] as number;
  return {
    cx: rng.uniform(margin, size - margin),
    cy: rng.uniform(margin, size - margin),
    scale,
    angle: rng.uniform(-half, half),
    period: rng.uniform(3.5, 5.5),
    phase: rng.uniform(0, 2 * Math.PI),
    flip: rng.next() < 0.5 ? -1 : 1,
  };
}
