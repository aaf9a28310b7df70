import * as tf from '@tensorflow/tfjs';

/** Saves a model in memory and loads it back (the zoo's checkpoint path without the disk). */
export async function saveAndLoad(model: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
}

/** A weight's name inside its layer (tfjs prefixes the layer's own name). */
export function localName(v: tf.LayerVariable): string {
  return v.originalName.slice(v.originalName.indexOf('/') + 1);
}

/** Seeded images in [0, 1): [n, size, size, channels]. */
export function images(n: number, size: number, channels: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, size, size, channels], 0, 1, 'float32', seed) as tf.Tensor4D;
}

/** max |a - b| over all entries, as a number (no tensor left behind). */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}
