/**
 * The IDL's `byte[]` and integer arguments on the JS side: byte data may be a plain array of
 * numbers (as Tizen code writes it) or binary (Uint8Array, Buffer, any typed array or DataView,
 * ArrayBuffer); integers are checked, never silently truncated.
 * @module
 */
import { describe } from '../core/uuid';
import { invalidValues, typeMismatch } from './errors';

/** What the API accepts where the IDL says `byte[]`. */
export type ByteData = number[] | ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

const isArrayBufferLike = (x: unknown): x is ArrayBuffer | SharedArrayBuffer =>
  x instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && x instanceof SharedArrayBuffer);

/**
 * Checks that `data` is byte data: an array of integers in [-128, 255] (negatives are the IDL's
 * signed bytes, stored as two's complement), or a binary view/buffer. With `contents: false`
 * (data only written to, e.g. getData's target) any array will do: only its length counts.
 * @example checkByteData([1, 2, 255, -1], 'mem') // ok
 */
export function checkByteData(data: unknown, argument: string, contents = true): asserts data is ByteData {
  if (ArrayBuffer.isView(data) || isArrayBufferLike(data)) return;
  if (!Array.isArray(data)) throw typeMismatch(argument, `must be an array of bytes, a typed array, a Buffer or an ArrayBuffer, got ${describe(data)}`);
  if (!contents) return;
  for (let i = 0; i < data.length; i++) {
    const v: unknown = data[i];
    if (typeof v !== 'number') throw typeMismatch(`${argument}[${i}]`, `must be a number, got ${describe(v)}`);
    if (!Number.isInteger(v) || v < -128 || v > 255) throw invalidValues(`${argument}[${i}]`, `must be a byte (an integer in [-128, 255]), got ${v}`);
  }
}

/** Length in bytes of checked byte data. @example byteLength([1, 2, 3]) // 3 */
export function byteLength(data: ByteData): number {
  return Array.isArray(data) ? data.length : data.byteLength;
}

/**
 * A live Uint8Array view of binary data (no copy), or null for a plain array.
 * @example bytesView(new Uint16Array(2))!.length // 4
 */
export function bytesView(data: ByteData): Uint8Array | null {
  if (Array.isArray(data)) return null;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/**
 * A fresh copy of checked byte data as a Uint8Array.
 * @example copyBytes([1, -1]) // Uint8Array [1, 255]
 */
export function copyBytes(data: ByteData): Uint8Array {
  const view = bytesView(data);
  return view ? Uint8Array.from(view) : Uint8Array.from(data as number[], (v) => v & 0xff);
}

/**
 * Writes `source` into the first `source.length` entries of `target` in place (plain arrays get
 * unsigned byte values 0..255).
 * @example const a = [0, 0, 0]; writeBytes(a, Uint8Array.of(7, 8)); a // [7, 8, 0]
 */
export function writeBytes(target: ByteData, source: Uint8Array): void {
  const view = bytesView(target);
  if (view) {
    view.set(source.subarray(0, Math.min(source.length, view.length)));
    return;
  }
  const array = target as number[];
  const n = Math.min(source.length, array.length);
  for (let i = 0; i < n; i++) array[i] = source[i];
}

const INT32_MIN = -0x80000000;
const UINT32_MAX = 0xffffffff;

/**
 * Checks an IDL `long` that GP carries as a uint32 (values, command ids): an integer in
 * [-2^31, 2^32 - 1]; negatives become their two's complement.
 * @example toUint32(-1, 'a') // 4294967295
 */
export function toUint32(value: unknown, argument: string): number {
  if (typeof value !== 'number') throw typeMismatch(argument, `must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < INT32_MIN || value > UINT32_MAX) {
    throw invalidValues(argument, `must be an integer in [-2147483648, 4294967295], got ${value}`);
  }
  return value >>> 0;
}

/**
 * Checks an IDL `unsigned long` / `unsigned long long` size or offset: a safe non-negative integer.
 * @example toSize(1024, 'size') // 1024
 */
export function toSize(value: unknown, argument: string): number {
  if (typeof value !== 'number') throw typeMismatch(argument, `must be a number, got ${describe(value)}`);
  if (!Number.isSafeInteger(value) || value < 0) throw invalidValues(argument, `must be a non-negative integer, got ${value}`);
  return value;
}

/**
 * Throws TypeMismatchError when a method got fewer arguments than the IDL requires.
 * @example requireArguments('setData', arguments.length, 2)
 */
export function requireArguments(method: string, given: number, required: number): void {
  if (given < required) throw typeMismatch(method, `needs ${required} argument${required === 1 ? '' : 's'}, got ${given}`);
}
