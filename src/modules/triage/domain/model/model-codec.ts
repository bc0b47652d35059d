import type { HeadKind, LinearModelData } from './linear-model';
import type { HeldoutFigures } from './triage-training';

interface Header {
  vocabulary: string[];
  heads: Array<{ name: string; kind: HeadKind; classes: string[]; bias: number[]; size: number }>;
}

/**
 * A trained model as bytes, to keep in the database: a JSON header (vocabulary, heads, biases) and the weights as
 * little-endian float32, about 4 bytes per weight instead of a dozen in JSON.
 */
export function encodeModel(data: LinearModelData): Buffer {
  const header: Header = {
    vocabulary: data.vocabulary,
    heads: data.heads.map((h) => ({
      name: h.name,
      kind: h.kind,
      classes: [...h.classes],
      bias: [...h.bias],
      size: h.weights.length,
    })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const weights = data.heads.map((h) => Buffer.from(h.weights.buffer, h.weights.byteOffset, h.weights.byteLength));
  return Buffer.concat([length, json, ...weights]);
}

export function decodeModel(bytes: Buffer): LinearModelData {
  const length = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + length).toString('utf8')) as Header;
  let offset = 4 + length;
  return {
    vocabulary: header.vocabulary,
    heads: header.heads.map((h) => {
      const weights = new Float32Array(h.size);
      Buffer.from(weights.buffer).set(bytes.subarray(offset, offset + h.size * 4));
      offset += h.size * 4;
      return { name: h.name, kind: h.kind, classes: h.classes, weights, bias: Float32Array.from(h.bias) };
    }),
  };
}

/** A model with what it was trained on, as the build leaves it next to the compiled code. */
export interface ModelBundle {
  corpusHash: string;
  trainedOn: number;
  heldout: HeldoutFigures;
  data: LinearModelData;
}

export function encodeBundle(bundle: ModelBundle): Buffer {
  const meta = Buffer.from(
    JSON.stringify({ corpusHash: bundle.corpusHash, trainedOn: bundle.trainedOn, heldout: bundle.heldout }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(meta.length);
  return Buffer.concat([length, meta, encodeModel(bundle.data)]);
}

export function decodeBundle(bytes: Buffer): ModelBundle {
  const length = bytes.readUInt32LE(0);
  const meta = JSON.parse(bytes.subarray(4, 4 + length).toString('utf8')) as Omit<ModelBundle, 'data'>;
  return { ...meta, data: decodeModel(bytes.subarray(4 + length)) };
}
