/**
 * One stored object of the Step Functions merge: a small JSON part (`meta`) and
 * named typed arrays, in one buffer, so that partitions' keys, pairs and scores
 * travel between stage Lambdas as compact binary (through S3), not as JSON
 * arrays of numbers. Layout: "XQF1", header length (uint32 LE), header JSON
 * { meta, arrays: [name, type, length][] }, then each array 8-byte aligned.
 */
export type FrameArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

const TYPES = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u32: Uint32Array, u16: Uint16Array, u8: Uint8Array } as const;
type TypeName = keyof typeof TYPES;
const typeName = (a: FrameArray): TypeName => (Object.keys(TYPES) as TypeName[]).find((t) => a instanceof TYPES[t])!;

const MAGIC = 0x31465158; // "XQF1" little-endian
const align = (x: number) => Math.ceil(x / 8) * 8;
const utf8 = new TextEncoder();
const text = new TextDecoder();

export class FrameFormatError extends Error {
  override readonly name = 'FrameFormatError';
}

export function encodeFrame(meta: unknown, arrays: Readonly<Record<string, FrameArray>> = {}): Uint8Array {
  const entries = Object.entries(arrays);
  const header = utf8.encode(JSON.stringify({ meta, arrays: entries.map(([name, a]) => [name, typeName(a), a.length]) }));
  let size = align(8 + header.length);
  for (const [, a] of entries) size += align(a.byteLength);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, header.length, true);
  out.set(header, 8);
  let at = align(8 + header.length);
  for (const [, a] of entries) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += align(a.byteLength);
  }
  return out;
}

export interface Frame<M> {
  readonly meta: M;
  readonly arrays: Readonly<Record<string, FrameArray>>;
}

export function decodeFrame<M>(bytes: Uint8Array): Frame<M> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new FrameFormatError('not a merge frame');
  const length = view.getUint32(4, true);
  if (8 + length > bytes.byteLength) throw new FrameFormatError('merge frame cut short in its header');
  const header = JSON.parse(text.decode(bytes.subarray(8, 8 + length))) as { meta: M; arrays: [string, TypeName, number][] };
  const arrays: Record<string, FrameArray> = {};
  let at = align(8 + length);
  for (const [name, type, count] of header.arrays) {
    const Type = TYPES[type];
    const byteLength = count * Type.BYTES_PER_ELEMENT;
    if (at + byteLength > bytes.byteLength) throw new FrameFormatError(`merge frame cut short in ${name}`);
    // A copy: the body's buffer may not be aligned for the type.
    arrays[name] = new Type(bytes.slice(at, at + byteLength).buffer);
    at += align(byteLength);
  }
  return { meta: header.meta, arrays };
}

/** An array of the frame, of the type the writer gave it. */
export function arrayOf<T extends FrameArray>(frame: Frame<unknown>, name: string, type: { new (b: ArrayBuffer): T }): T {
  const a = frame.arrays[name];
  if (!(a instanceof type)) throw new FrameFormatError(`merge frame has no ${type.name} ${name}`);
  return a;
}
