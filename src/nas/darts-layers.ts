import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { registerTrainingOps } from '../training/backend';
import { mixedOp, network, type NetworkShape } from './cells';
import { validateGenotype, type Genotype } from './genotype';
import { WeightTable, type ParamContext } from './param-context';
import { applyPrimitive, PRIMITIVES, type Primitive } from './primitives';

/** tfjs's options for any layer (name, inputShape, ...). */
export type DartsLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

function isTraining(kwargs: Record<string, unknown>): boolean {
  return kwargs['training'] === true;
}

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor4D {
  return (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
}

function imageShape(inputShape: tf.Shape | tf.Shape[], field: string): [number, number, number] {
  const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  const [, h, w, c] = s;
  if (s.length !== 4 || typeof h !== 'number' || typeof w !== 'number' || typeof c !== 'number') {
    throw new InvalidArgumentError(field, s, 'a known [batch, height, width, channels] shape');
  }
  return [h, w, c];
}

/**
 * tfjs camel-cases every string of a layer config on load (`sep_conv_3x3` comes back as `sepConv3x3`);
 * this maps such a name back to its primitive, leaving anything else for validation to refuse.
 */
export function restoreOpName(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const camel = (s: string): string => s.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
  return PRIMITIVES.find((p) => p === value || camel(p) === value) ?? value;
}

function restoreGenotype(genotype: unknown): unknown {
  if (typeof genotype !== 'object' || genotype === null) return genotype;
  const cell = (c: unknown): unknown =>
    Array.isArray(c)
      ? c.map((node: unknown) =>
          Array.isArray(node)
            ? node.map((e: unknown) =>
                typeof e === 'object' && e !== null ? { ...e, op: restoreOpName((e as { op?: unknown }).op) } : e,
              )
            : node,
        )
      : c;
  const g = genotype as Record<string, unknown>;
  return { ...g, normal: cell(g['normal']), reduce: cell(g['reduce']) };
}

function positiveInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(field, value, 'a positive integer');
  return value;
}

/** Base for the DARTS layers: one forward function declares and reads the weights (`WeightTable`). */
abstract class DartsLayerBase extends tf.layers.Layer {
  /** @internal The weights by name, made in `build`. */
  protected table: WeightTable | undefined;
  protected abstract readonly affine: boolean;
  /** @internal The one forward function that declares and reads the weights. */
  protected abstract forward(ctx: ParamContext, x: tf.Tensor4D): tf.Tensor;

  readonly seed: number;

  /** `args` goes to tfjs's Layer whole: a reloaded config carries its name, input shape and dtype. */
  constructor(args: DartsLayerArgs & { readonly seed: number }) {
    super(args);
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    registerTrainingOps(); // the dilated depthwise gradient tfjs lacks
    const [h, w, c] = imageShape(inputShape, `${this.getClassName()} input shape`);
    this.table = new WeightTable(
      (name, shape, init, trainable) => this.addWeight(name, shape, 'float32', init, undefined, trainable),
      this.seed,
    );
    this.table.create((ctx) => this.forward(ctx, tf.zeros([1, h, w, c])), this.affine);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const table = this.table as WeightTable;
    return tf.tidy(() => this.forward(table.context(isTraining(kwargs), this.affine), single(inputs)));
  }
}

export interface DartsNetworkArgs extends NetworkShape, DartsLayerArgs {
  /** The derived architecture; null for the supernet (every edge a MixedOp, α trained with the weights). */
  readonly genotype: Genotype | null;
  readonly seed: number;
}

/**
 * A DARTS network from images to logits, as one tfjs layer: the supernet (`genotype: null`, with
 * `alphas_normal` and `alphas_reduce` among its weights, batch norm without scale and shift as in
 * DARTS' search) or a network derived from a genotype (affine batch norm). Saves and loads with its
 * model like any layer.
 */
export class DartsNetwork extends DartsLayerBase {
  static className = 'TfjsTuneDartsNetwork';
  readonly shape: NetworkShape;
  readonly genotype: Genotype | null;

  constructor(args: DartsNetworkArgs) {
    super(args);
    this.shape = {
      channels: positiveInt(args.channels, 'channels'),
      cells: positiveInt(args.cells, 'cells'),
      numClasses: positiveInt(args.numClasses, 'numClasses'),
      stemMultiplier: positiveInt(args.stemMultiplier, 'stemMultiplier'),
    };
    this.genotype = args.genotype === null ? null : validateGenotype(restoreGenotype(args.genotype));
  }

  protected get affine(): boolean {
    return this.genotype !== null;
  }

  /** @internal */
  protected forward(ctx: ParamContext, x: tf.Tensor4D): tf.Tensor {
    return network(ctx, x, this.shape, this.genotype);
  }

  /** The α weights (supernet only): [normal, reduce], each [14, 8]. */
  alphaWeights(): tf.LayerVariable[] {
    return this.trainableWeights.filter((w) => /alphas_(normal|reduce)$/.test(w.originalName));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0] ?? null, this.shape.numClasses];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      ...this.shape,
      genotype: this.genotype as unknown as tf.serialization.ConfigDictValue,
      seed: this.seed,
    };
  }
}

export interface DartsOpArgs extends DartsLayerArgs {
  readonly op: Primitive;
  readonly stride: number;
  /** Batch norm with scale and shift (a derived net) or without (the search). Default false. */
  readonly affine?: boolean;
  /** A BN after a pooling op, as in the search's MixedOp. Default false. */
  readonly poolBatchNorm?: boolean;
  readonly seed: number;
}

function checkStride(stride: number): number {
  if (stride !== 1 && stride !== 2) throw new InvalidArgumentError('stride', stride, '1 or 2');
  return stride;
}

/** One DARTS primitive as a layer (channels kept, H and W divided by the stride). */
export class DartsOp extends DartsLayerBase {
  static className = 'TfjsTuneDartsOp';
  readonly op: Primitive;
  readonly stride: number;
  readonly poolBatchNorm: boolean;
  protected readonly affine: boolean;

  constructor(args: DartsOpArgs) {
    super(args);
    const op = restoreOpName(args.op);
    if (!(PRIMITIVES as readonly unknown[]).includes(op)) {
      throw new InvalidArgumentError('op', args.op, `one of ${PRIMITIVES.join(', ')}`);
    }
    this.op = op as Primitive;
    this.stride = checkStride(args.stride);
    this.affine = args.affine ?? false;
    this.poolBatchNorm = args.poolBatchNorm ?? false;
  }

  /** @internal */
  protected forward(ctx: ParamContext, x: tf.Tensor4D): tf.Tensor {
    return applyPrimitive(ctx, this.op, x, { stride: this.stride, poolBatchNorm: this.poolBatchNorm });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [h, w, c] = imageShape(inputShape, 'DartsOp input shape');
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0] ?? null, Math.ceil(h / this.stride), Math.ceil(w / this.stride), c];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      op: this.op,
      stride: this.stride,
      affine: this.affine,
      poolBatchNorm: this.poolBatchNorm,
      seed: this.seed,
    };
  }
}

/** One MixedOp as a layer, with its own α (`alpha`, length 8): softmax(α)-weighted sum of all primitives. */
export class DartsMixedOp extends DartsLayerBase {
  static className = 'TfjsTuneDartsMixedOp';
  readonly stride: number;
  protected readonly affine = false;

  constructor(args: DartsLayerArgs & { readonly stride: number; readonly seed: number }) {
    super(args);
    this.stride = checkStride(args.stride);
  }

  /** @internal */
  protected forward(ctx: ParamContext, x: tf.Tensor4D): tf.Tensor {
    const alpha = ctx.param('alpha', [PRIMITIVES.length], 'alpha') as tf.Tensor1D;
    return mixedOp(ctx, x, tf.softmax(alpha), this.stride);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [h, w, c] = imageShape(inputShape, 'DartsMixedOp input shape');
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0] ?? null, Math.ceil(h / this.stride), Math.ceil(w / this.stride), c];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), stride: this.stride, seed: this.seed };
  }
}

tf.serialization.registerClass(DartsNetwork);
tf.serialization.registerClass(DartsOp);
tf.serialization.registerClass(DartsMixedOp);
