import { LinearModel } from './linear-model';
import { decodeModel, encodeModel } from './model-codec';

describe('the model codec', () => {
  it('gives back a model that predicts exactly what the original predicts', () => {
    const model = LinearModel.train(
      [
        { name: 'kind', kind: 'softmax', classes: ['a', 'b'] },
        { name: 'flag', kind: 'sigmoid', classes: ['x'] },
      ],
      [
        { features: ['w:one', 'w:two'], labels: { kind: ['a'], flag: ['x'] } },
        { features: ['w:one', 'w:three'], labels: { kind: ['a'], flag: [] } },
        { features: ['w:four', 'w:two'], labels: { kind: ['b'], flag: ['x'] } },
        { features: ['w:four', 'w:three'], labels: { kind: ['b'], flag: [] } },
      ],
      { epochs: 30, learningRate: 1, l2: 0, minCount: 1, seed: 1 },
    );
    const copy = new LinearModel(decodeModel(encodeModel(model.data)));
    for (const features of [['w:one'], ['w:four', 'w:two'], ['w:unknown']]) {
      expect(copy.predict(features)).toEqual(model.predict(features));
    }
    expect(model.predict(['w:one']).kind.a).toBeGreaterThan(0.8);
    expect(model.predict(['w:two']).flag.x).toBeGreaterThan(0.7);
  });
});
