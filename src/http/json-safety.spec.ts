import { jsonNestedDeeperThan, storableStrings } from './json-safety';

describe('json safety', () => {
  const deeper = (text: string, max: number) => jsonNestedDeeperThan(Buffer.from(text), max);

  it('measures nesting of arrays and objects, ignoring brackets inside strings', () => {
    expect(deeper('[[[]]]', 3)).toBe(false);
    expect(deeper('[[[[]]]]', 3)).toBe(true);
    expect(deeper('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(deeper('{"a":"[[[[[[\\"[[[["}', 1)).toBe(false);
    expect(deeper(`${'['.repeat(10_000)}${']'.repeat(10_000)}`, 64)).toBe(true);
  });

  it('drops NULs and replaces lone surrogates, keeping real pairs', () => {
    const parse = (text: string) => JSON.parse(text, storableStrings) as unknown;
    expect(parse('{"t":"a\\u0000b","n":["\\ud800x","y\\udc00"],"k":1}')).toEqual({
      t: 'ab',
      n: ['\ufffdx', 'y\ufffd'],
      k: 1,
    });
    expect(parse('"\\ud83d\\ude00"')).toBe('😀');
  });
});
