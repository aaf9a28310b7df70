/**
 * The data our trials train on, written to one file the Python side reads: the bytes of our own
 * Float32Array / Int32Array buffers (little-endian, as every platform Node runs on), so both sides
 * train on bit-identical pixels and labels.
 *
 * Layout: the 8 bytes `TFTDATA1`, a uint32 (little-endian) header length, a UTF-8 JSON header
 * `{ parts: [{ name, xShape, numClasses, xBytes, yBytes }] }`, then for each part its x bytes then
 * its y bytes, in the header's order.
 */
import { writeFileSync } from 'node:fs';

import type { Dataset, DatasetSplits } from '../../datasets/types';

export const MAGIC = 'TFTDATA1';

export interface ExportedPart {
  readonly name: string;
  readonly xShape: readonly number[];
  readonly numClasses: number;
  readonly xBytes: number;
  readonly yBytes: number;
}

function bytesOf(a: Float32Array | Int32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** The file's bytes for the train and val parts of `data`. */
export function encodeSplits(data: DatasetSplits): Buffer {
  const parts: [string, Dataset][] = [
    ['train', data.train],
    ['val', data.val],
  ];
  const header: { parts: ExportedPart[] } = {
    parts: parts.map(([name, ds]) => ({
      name,
      xShape: ds.xShape.slice(),
      numClasses: ds.numClasses,
      xBytes: ds.x.byteLength,
      yBytes: ds.y.byteLength,
    })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.byteLength, 0);
  return Buffer.concat([
    Buffer.from(MAGIC, 'ascii'),
    length,
    json,
    ...parts.flatMap(([, ds]) => [bytesOf(ds.x), bytesOf(ds.y)]),
  ]);
}

/** Reads a file's bytes back into datasets (the inverse of {@link encodeSplits}; the test's check). */
export function decodeSplits(bytes: Buffer): Record<string, Dataset> {
  if (bytes.subarray(0, 8).toString('ascii') !== MAGIC) throw new Error(`main-job data: not a ${MAGIC} file`);
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8')) as { parts: ExportedPart[] };
  let at = 12 + headerLength;
  const out: Record<string, Dataset> = {};
  for (const p of header.parts) {
    // Copies through a Uint8Array: a Buffer slice may start at an offset a Float32Array cannot view.
    const x = new Float32Array(Uint8Array.from(bytes.subarray(at, at + p.xBytes)).buffer);
    at += p.xBytes;
    const y = new Int32Array(Uint8Array.from(bytes.subarray(at, at + p.yBytes)).buffer);
    at += p.yBytes;
    out[p.name] = { x, xShape: p.xShape.slice(), y, numClasses: p.numClasses };
  }
  return out;
}

export function writeSplits(path: string, data: DatasetSplits): void {
  writeFileSync(path, encodeSplits(data));
}
