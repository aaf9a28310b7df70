import * as tune from '../../src';
import { checkSplits } from '../../datasets/check-splits';

const { datasets, models } = tune;

describe('consistent data APIs', () => {
  const table = datasets.syntheticTabular({ n: 40, nFeatures: 3, nInformative: 2 });
  const splits = datasets.trainValTestSplit(table, { valFraction: 0.25, seed: 0 });

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

  it('every generator takes an optional seed, 0 by default', () => {
    expect(datasets.syntheticTabular({ n: 20 }).x).toEqual(datasets.syntheticTabular({ n: 20, seed: 0 }).x);
    expect(datasets.syntheticCifar({ nTrain: 4, nVal: 2, imageSize: 8 }).train.x).toEqual(
      datasets.syntheticCifar({ nTrain: 4, nVal: 2, imageSize: 8, seed: 0 }).train.x,
    );
    expect(datasets.syntheticImdb({ nTrain: 4, nVal: 2 }).val.x).toEqual(
      datasets.syntheticImdb({ nTrain: 4, nVal: 2, seed: 0 }).val.x,
    );
  });
});
