import * as tf from '@tensorflow/tfjs';

import { TfjsTuneError } from '../../errors';
import type { RngState } from '../../random/rng';
import type { JsonValue } from '../../trial/json';
import type { PortableState } from '../scheduler';
import type { ZooMemberState } from './zoo-member';

interface TensorMeta {
  readonly name?: string;
  readonly shape: number[];
  readonly dtype: tf.DataType;
}

/** A copy of a zoo member's state (weights and optimiser slots), owned by the caller. */
export function cloneZooState(state: ZooMemberState): ZooMemberState {
  return {
    weights: state.weights.map((w) => w.clone()),
    optimizer: state.optimizer.map((w) => ({ name: w.name, tensor: w.tensor.clone() })),
    dropout: state.dropout.map((d) => ({ ...d })),
  };
}

/**
 * A zoo member's state as plain buffers (one per tensor, weights first, then optimiser slots) and
 * JSON metadata (shapes, dtypes, slot names): what moves between worker threads in the transfer
 * list. The state stays the caller's.
 */
export function zooStateToPortable(state: ZooMemberState): PortableState {
  const all = [...state.weights.map((t) => ({ t })), ...state.optimizer.map((w) => ({ t: w.tensor, name: w.name }))];
  const buffers = all.map(({ t }) => copyBuffer(t.dataSync()));
  const weights: TensorMeta[] = state.weights.map((t) => ({ shape: t.shape, dtype: t.dtype }));
  const optimizer: TensorMeta[] = state.optimizer.map((w) => ({
    name: w.name,
    shape: w.tensor.shape,
    dtype: w.tensor.dtype,
  }));
  return {
    meta: { kind: 'zoo-member-state', weights, optimizer, dropout: state.dropout } as unknown as JsonValue,
    buffers,
  };
}

/** The state back as tensors (owned by the caller; `ZooMember.setState` takes them over). */
export function zooStateFromPortable(portable: PortableState): ZooMemberState {
  const meta = portable.meta as unknown as {
    kind?: string;
    weights: TensorMeta[];
    optimizer: TensorMeta[];
    dropout?: RngState[];
  };
  if (meta?.kind !== 'zoo-member-state' || portable.buffers.length !== meta.weights.length + meta.optimizer.length)
    throw new TfjsTuneError('not a zoo member state (PortableState of another kind, or buffers missing)');
  const tensor = (m: TensorMeta, i: number) =>
    tf.tensor(typed(portable.buffers[i] as ArrayBuffer, m.dtype), m.shape, m.dtype);
  const weights = meta.weights.map((m, i) => tensor(m, i));
  const optimizer = meta.optimizer.map((m, i) => ({
    name: m.name as string,
    tensor: tensor(m, meta.weights.length + i),
  }));
  return { weights, optimizer, dropout: meta.dropout ?? [] };
}

function copyBuffer(data: tf.backend_util.TypedArray | Uint8Array[]): ArrayBuffer {
  if (Array.isArray(data)) throw new TfjsTuneError('string tensors cannot be moved as a zoo member state');
  const out = new ArrayBuffer(data.byteLength);
  new Uint8Array(out).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return out;
}

function typed(buffer: ArrayBuffer, dtype: tf.DataType): Float32Array | Int32Array | Uint8Array {
  if (dtype === 'float32') return new Float32Array(buffer);
  if (dtype === 'int32') return new Int32Array(buffer);
  if (dtype === 'bool') return new Uint8Array(buffer);
  throw new TfjsTuneError(`a zoo member state tensor of dtype ${dtype} cannot be moved`);
}
