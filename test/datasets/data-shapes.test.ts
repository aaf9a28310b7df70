import * as tune from '../../src';
import { checkSplits } from '../../datasets/check-splits';

const { datasets, models } = tune;

describe('consistent data APIs', () => {
  const splits = datasets.syntheticTabular({ nTrain: 30, nVal: 10, nFeatures: 3, nInformative: 2 });
  const table = datasets.concatDatasets([splits.train, splits.val]);

  it('objectiveFor and slotTrainerFor name the field of data of another shape, not a TypeError', () => {
    const build = (data: unknown) => (): unknown =>
      models.objectiveFor(models.mlp, data as tune.datasets.DatasetSplits, { epochs: 1 });
    expect(build(table)).toThrow(/^data\.train: .*DatasetSplits, not one Dataset: cut it with trainValTestSplit/);
    expect(build({ train: splits.train })).toThrow(/^data\.val: got undefined; expected a Dataset/);
    expect(build({ ...splits, val: { ...splits.val, x: [1, 2] } })).toThrow(
      /^data\.val\.x: got \[1,2\]; expected a Float32Array/,
    );
    expect(build({ ...splits, train: { ...splits.train, xShape: 'wide' } })).toThrow(/^data\.train\.xShape/);
    expect(build(null)).toThrow(tune.errors.InvalidArgumentError);
    const cifar = datasets.syntheticCifar({ nTrain: 4, nVal: 4, classes: 2, imageSize: 8 });
    expect(build({ train: splits.train, val: cifar.val })).toThrow(
      /^data\.val: .*the sample shape \[3\] and 2 classes of data\.train/,
    );
    expect(() => checkSplits(splits)).not.toThrow();
  });

  it('every generator returns its splits: train, val, and test when asked for', () => {
    const tab = datasets.syntheticTabular({ nTrain: 12, nVal: 6, nTest: 3, nFeatures: 3, nInformative: 3, classes: 3 });
    const cifar = datasets.syntheticCifar({ nTrain: 12, nVal: 6, nTest: 3, classes: 3, imageSize: 8 });
    const imdb = datasets.syntheticImdb({ nTrain: 12, nVal: 6, nTest: 3 });
    for (const data of [tab, cifar, imdb]) {
      expect(Object.keys(data).sort()).toEqual(['test', 'train', 'val']);
      expect([data.train, data.val, data.test].map((d) => d?.xShape[0])).toEqual([12, 6, 3]);
      expect(() => checkSplits(data)).not.toThrow();
    }
    // Labels balanced within each split, as the image and text generators do.
    expect(Array.from(tab.val.y).sort()).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Object.keys(datasets.syntheticTabular({ nTrain: 4, nVal: 2 }))).toEqual(['train', 'val']);
  });

  it('every generator takes an optional seed, 0 by default', () => {
    expect(datasets.syntheticTabular({ nTrain: 20, nVal: 5 }).val.x).toEqual(
      datasets.syntheticTabular({ nTrain: 20, nVal: 5, seed: 0 }).val.x,
    );
    expect(datasets.syntheticCifar({ nTrain: 4, nVal: 2, imageSize: 8 }).train.x).toEqual(
      datasets.syntheticCifar({ nTrain: 4, nVal: 2, imageSize: 8, seed: 0 }).train.x,
    );
    expect(datasets.syntheticImdb({ nTrain: 4, nVal: 2 }).val.x).toEqual(
      datasets.syntheticImdb({ nTrain: 4, nVal: 2, seed: 0 }).val.x,
    );
  });
});
