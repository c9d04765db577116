/**
 * UUIDs of trusted applications: RFC 4122 strings on the JS side.
 * @module
 */
import { TeecArgumentError } from './errors';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A canonical lower-case RFC 4122 UUID string. */
export type Uuid = string & { readonly __uuid: unique symbol };

/**
 * Checks and normalizes a UUID string (case-insensitive, hyphenated 8-4-4-4-12).
 * Throws a {@link TeecArgumentError} naming `argName` when it is malformed.
 * @example parseUuid('123E4567-E89B-12D3-A456-426655440000') // '123e4567-e89b-12d3-a456-426655440000'
 */
export function parseUuid(value: unknown, argName = 'uuid'): Uuid {
  if (typeof value !== 'string' || !UUID_RE.test(value)) {
    throw new TeecArgumentError(argName, `must be a UUID string like 123e4567-e89b-12d3-a456-426655440000, got ${describe(value)}`);
  }
  return value.toLowerCase() as Uuid;
}

/**
 * Whether a value is a well-formed UUID string.
 * @example isUuid('not-a-uuid') // false
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

/**
 * The 16 bytes of a UUID in RFC 4122 (big-endian) order, as GP's TEEC_UUID fields read them.
 * @example uuidToBytes(parseUuid('00000000-0000-0000-0000-000000000001'))[15] // 1
 */
export function uuidToBytes(uuid: Uuid): Uint8Array {
  return Uint8Array.from(Buffer.from(uuid.replace(/-/g, ''), 'hex'));
}

/**
 * Formats 16 bytes (RFC 4122 order) as a UUID string.
 * @example uuidFromBytes(new Uint8Array(16)) // '00000000-0000-0000-0000-000000000000'
 */
export function uuidFromBytes(bytes: Uint8Array): Uuid {
  if (bytes.length !== 16) throw new TeecArgumentError('bytes', `must be 16 bytes, got ${bytes.length}`);
  const h = Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` as Uuid;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${value?.constructor?.name ?? typeof value}`;
}
