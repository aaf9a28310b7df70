import * as tf from '@tensorflow/tfjs';

import { type Grads, POINT_TWO, type Shapes } from './lstm-shapes';

/*
 * lstmSequence on every backend, in tensor ops: the forward untaped inside the custom gradient, the
 * backward recomputing it and running the reverse loop through time.
 */

function hardSigmoidPre(z: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(POINT_TWO, z), 0.5);
}

/** The forward recurrence in tensor ops; per-step tensors in processing order. */
function opsRun(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  { batch, time, inputDim, units }: Shapes,
  reverse: boolean,
): { zs: tf.Tensor[]; cs: tf.Tensor[]; hs: tf.Tensor[] } {
  const xp = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [batch * time, inputDim]), kernel), bias), [
    batch,
    time,
    4 * units,
  ]);
  const steps = tf.unstack(xp, 1);
  let h: tf.Tensor | undefined;
  let c: tf.Tensor | undefined;
  const zs: tf.Tensor[] = [];
  const cs: tf.Tensor[] = [];
  const hs: tf.Tensor[] = [];
  for (let s = 0; s < time; s++) {
    const step = steps[reverse ? time - 1 - s : s] as tf.Tensor;
    const z = h === undefined ? step : tf.add(step, tf.matMul(h, recurrentKernel));
    const [zi, zf, zg, zo] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const i = tf.clipByValue(hardSigmoidPre(zi), 0, 1);
    const f = tf.clipByValue(hardSigmoidPre(zf), 0, 1);
    const o = tf.clipByValue(hardSigmoidPre(zo), 0, 1);
    const ig = tf.mul(i, tf.tanh(zg));
    c = c === undefined ? ig : tf.add(tf.mul(f, c), ig);
    h = tf.mul(o, tf.tanh(c));
    zs.push(z);
    cs.push(c);
    hs.push(h);
  }
  return { zs, cs, hs };
}

/**
 * Every backend: the forward in tensor ops (untaped, inside the custom gradient), and a backward
 * that recomputes it (a custom gradient may save only tensors it was given: tfjs counts saved
 * intermediates as leaked data) and then runs the reverse loop.
 */
export function opsLSTM(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  save: tf.GradSaveFunc,
  shapes: Shapes,
  reverse: boolean,
  returnSequences: boolean,
): { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => Grads } {
  const { hs } = opsRun(x, kernel, recurrentKernel, bias, shapes, reverse);
  save([x, kernel, recurrentKernel, bias]);
  let value: tf.Tensor;
  if (returnSequences) {
    const seq = tf.stack(hs, 1);
    value = reverse ? tf.reverse(seq, 1) : seq;
  } else {
    value = hs[hs.length - 1] as tf.Tensor;
  }
  return {
    value,
    gradFunc: (dy, saved) => tf.tidy(() => opsLSTMGrad(dy, saved, shapes, reverse, returnSequences)),
  };
}

function opsLSTMGrad(
  dy: tf.Tensor,
  saved: tf.Tensor[],
  shapes: Shapes,
  reverse: boolean,
  returnSequences: boolean,
): Grads {
  const { batch, time, inputDim, units } = shapes;
  const [x, kernel, recurrentKernel, bias] = saved as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
  const run = opsRun(x, kernel, recurrentKernel, bias, shapes, reverse);
  const zAll = tf.stack(run.zs);
  const cAll = tf.stack(run.cs);
  const hAll = tf.stack(run.hs);
  // Gate activations and their derivatives for all steps at once ([time, batch, units] each).
  const [zi, zf, zg, zo] = tf.split(zAll, 4, 2) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const sig = (z: tf.Tensor): [tf.Tensor, tf.Tensor] => {
    const y = hardSigmoidPre(z);
    const inside = tf.logicalAnd(tf.greaterEqual(y, 0), tf.lessEqual(y, 1));
    return [tf.clipByValue(y, 0, 1), tf.where(inside, tf.fill(y.shape, POINT_TWO), tf.zerosLike(y))];
  };
  const [gi, di] = sig(zi);
  const [gf, df] = sig(zf);
  const [go, dO] = sig(zo);
  const gg = tf.tanh(zg);
  const dg = tf.sub(1, tf.square(gg));
  const tc = tf.tanh(cAll);
  const zeros = tf.zeros([1, batch, units]);
  const cPrev = tf.concat([zeros, tf.slice(cAll, [0, 0, 0], [time - 1, batch, units])], 0);
  const hPrev = tf.concat([zeros, tf.slice(hAll, [0, 0, 0], [time - 1, batch, units])], 0);
  // dz = [dc, dc, dc, dh] * factors; dc += dh * o (1 - tanh(c)^2); dc_prev = dc * f.
  const factors = tf.unstack(tf.concat([tf.mul(gg, di), tf.mul(cPrev, df), tf.mul(gi, dg), tf.mul(tc, dO)], 2));
  const dcFromDh = tf.unstack(tf.mul(go, tf.sub(1, tf.square(tc))));
  const forget = tf.unstack(gf);
  let dyAt: (s: number) => tf.Tensor | undefined;
  if (returnSequences) {
    let dySeq = tf.transpose(dy, [1, 0, 2]);
    if (reverse) dySeq = tf.reverse(dySeq, 0);
    const dys = tf.unstack(dySeq);
    dyAt = (s) => dys[s];
  } else {
    dyAt = (s) => (s === time - 1 ? dy : undefined);
  }
  const dzs: tf.Tensor[] = new Array<tf.Tensor>(time);
  let dhRec: tf.Tensor | undefined;
  let dcNext: tf.Tensor | undefined;
  for (let s = time - 1; s >= 0; s--) {
    const fromOut = dyAt(s);
    const dh = fromOut === undefined ? (dhRec ?? tf.zeros([batch, units])) : dhRec ? tf.add(fromOut, dhRec) : fromOut;
    const dcHere = tf.mul(dh, dcFromDh[s] as tf.Tensor);
    const dc = dcNext === undefined ? dcHere : tf.add(dcNext, dcHere);
    const dz = tf.mul(tf.concat([dc, dc, dc, dh], 1), factors[s] as tf.Tensor);
    dzs[s] = dz;
    if (s > 0) {
      dhRec = tf.matMul(dz, recurrentKernel, false, true);
      dcNext = tf.mul(dc, forget[s] as tf.Tensor);
    }
  }
  const dz = tf.reshape(tf.stack(dzs), [time * batch, 4 * units]);
  const dRecurrent = tf.matMul(tf.reshape(hPrev, [time * batch, units]), dz, true, false) as tf.Tensor2D;
  const dBias = tf.sum(dz, 0) as tf.Tensor1D;
  let xs = tf.transpose(x, [1, 0, 2]); // processing order, [time, batch, inputDim]
  if (reverse) xs = tf.reverse(xs, 0);
  const dKernel = tf.matMul(tf.reshape(xs, [time * batch, inputDim]), dz, true, false) as tf.Tensor2D;
  let dx = tf.reshape(tf.matMul(dz, kernel, false, true), [time, batch, inputDim]);
  if (reverse) dx = tf.reverse(dx, 0);
  return [tf.transpose(dx, [1, 0, 2]) as tf.Tensor3D, dKernel, dRecurrent, dBias];
}
