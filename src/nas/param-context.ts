import * as tf from '@tensorflow/tfjs';

/** How a weight starts: conv / dense kernels He-normal, BN scale and moving variance ones, shifts zeros. */
export type WeightKind = 'kernel' | 'ones' | 'zeros' | 'alpha' | 'moving_mean' | 'moving_var';

/**
 * What an op's forward pass needs: its weights by name (created on first sight while the owning layer
 * builds, read afterwards), whether it trains, and whether batch norm learns its scale and shift.
 * One forward function thus declares the weights and uses them, so the two never drift apart.
 */
export interface ParamContext {
  readonly training: boolean;
  /** DARTS' search uses batch norm without scale and shift (`affine=False`); a derived net learns them. */
  readonly affine: boolean;
  param(name: string, shape: readonly number[], kind: WeightKind): tf.Tensor;
  /** Overwrites a non-trainable weight (batch norm's moving statistics). */
  assign(name: string, value: tf.Tensor): void;
}

/** A context whose weight names start with `prefix/`. */
export function scoped(ctx: ParamContext, prefix: string): ParamContext {
  return {
    training: ctx.training,
    affine: ctx.affine,
    param: (name, shape, kind) => ctx.param(`${prefix}/${name}`, shape, kind),
    assign: (name, value) => ctx.assign(`${prefix}/${name}`, value),
  };
}

export type Initializer = ReturnType<typeof tf.initializers.zeros>;

function initializer(kind: WeightKind, seed: number): Initializer {
  switch (kind) {
    case 'kernel':
      return tf.initializers.heNormal({ seed });
    case 'alpha':
      // DARTS starts α at 1e-3 · N(0, 1): nearly uniform mixing, ties broken at random.
      return tf.initializers.randomNormal({ mean: 0, stddev: 1e-3, seed });
    case 'ones':
    case 'moving_var':
      return tf.initializers.ones();
    case 'zeros':
    case 'moving_mean':
      return tf.initializers.zeros();
  }
}

/** Whether a weight of this kind is trained by gradient (moving statistics are not). */
export function isTrainable(kind: WeightKind): boolean {
  return kind !== 'moving_mean' && kind !== 'moving_var';
}

/**
 * The weights of one layer, by name: `create` mode adds them to the layer (seeded, in the order the
 * forward pass meets them), `read` mode returns their current values.
 */
export class WeightTable {
  private readonly vars = new Map<string, tf.LayerVariable>();
  private creating = false;
  private count = 0;

  /** `addWeight` is the layer's own (protected) method, handed in by the layer. */
  constructor(
    private readonly addWeight: (
      name: string,
      shape: number[],
      init: Initializer,
      trainable: boolean,
    ) => tf.LayerVariable,
    private readonly seed: number,
  ) {}

  /** Runs `forward` once on a dummy input so that every weight it names is created. */
  create(forward: (ctx: ParamContext) => tf.Tensor, affine: boolean): void {
    this.creating = true;
    try {
      tf.tidy(() => {
        forward(this.context(false, affine));
      });
    } finally {
      this.creating = false;
    }
  }

  context(training: boolean, affine: boolean): ParamContext {
    return {
      training,
      affine,
      param: (name, shape, kind) => this.param(name, shape, kind),
      assign: (name, value) => {
        const v = this.vars.get(name);
        if (v === undefined) throw new Error(`no weight ${name}`);
        v.write(value);
      },
    };
  }

  private param(name: string, shape: readonly number[], kind: WeightKind): tf.Tensor {
    let v = this.vars.get(name);
    if (v === undefined) {
      if (!this.creating) throw new Error(`weight ${name} was not created when the layer was built`);
      const seed = (this.seed * 7919 + 104729 * ++this.count) % 2147483647;
      v = this.addWeight(name, shape.slice(), initializer(kind, seed), isTrainable(kind));
      this.vars.set(name, v);
    }
    return v.read();
  }
}
