/**
 * A client for the bundled key-holding AES TA (`native/tas/aes_stream`): keys are generated inside
 * the TA and leave it only wrapped; streams are encrypted and decrypted in place in shared memory,
 * chunk by chunk, through {@link teecInvoke}. The protocol is `native/tas/aes_stream/include/aes_stream_ta.h`.
 * @module
 */
import type { OperatorFunction } from 'rxjs';
import { ReturnCode } from '../core/constants';
import type { Context } from '../core/context';
import { TeecArgumentError, TeecRangeError } from '../core/errors';
import { checkSize, tempInput, tempOutput, valueInput, valueOutput, type Param } from '../core/params';
import type { Session } from '../core/session';
import { teecInvoke, type ChunkLease, type TeecInvokeOptions } from '../operators/teec-invoke';

/** The TA's UUID. */
export const AES_STREAM_TA = 'cff37e1c-5b7e-44e2-b77e-724a1986231e';

/** Command ids and sizes of the TA's protocol. */
export const AesStreamProtocol = {
  CMD_GENERATE_KEY: 1,
  CMD_IMPORT_KEY: 2,
  CMD_KEY_INFO: 3,
  CMD_START_ENCRYPT: 4,
  CMD_START_DECRYPT: 5,
  CMD_CTR_CHUNK: 6,
  CMD_GCM_CHUNK: 7,
  CMD_TEST_IMPORT_RAW_KEY: 0x7e570001,
  KEY_FLAG_TEST: 1,
  CHUNK_FINAL: 1,
  CTR_IV_SIZE: 16,
  GCM_IV_SIZE: 12,
  GCM_TAG_SIZE: 16,
  MAX_AAD: 1024,
  BLOB_MAX_SIZE: 68,
} as const;

/** Cipher modes a key is bound to. */
export const AesMode = { CTR: 1, GCM: 2 } as const;
export type AesMode = (typeof AesMode)[keyof typeof AesMode];
export type AesKeyBits = 128 | 192 | 256;

const P = AesStreamProtocol;
const TWO_32 = 2 ** 32;

/**
 * One session with the AES TA, holding at most one content key.
 *
 * @example
 * const aes = await AesStream.open(context);
 * const blob = await aes.generateKey(128, AesMode.CTR); // keep the blob; the key stays in the TA
 * const iv = await aes.startEncrypt();
 * // ...later, in another session: await aes2.importKey(blob); await aes2.startDecrypt(iv);
 */
export class AesStream {
  constructor(/** The session with the AES TA. */ readonly session: Session) {}

  /** Opens a session with the AES TA. @example const aes = await AesStream.open(context) */
  static async open(context: Context): Promise<AesStream> {
    return new AesStream(await context.openSession(AES_STREAM_TA));
  }

  /**
   * Generates a fresh key inside the TA (it becomes the session's key); returns it wrapped.
   * @example const blob = await aes.generateKey(256, AesMode.GCM)
   */
  async generateKey(bits: AesKeyBits, mode: AesMode): Promise<Uint8Array> {
    checkBitsAndMode(bits, mode);
    const blob = new Uint8Array(P.BLOB_MAX_SIZE);
    const { params } = await this.session.invoke(P.CMD_GENERATE_KEY, [valueInput(bits, mode), tempOutput(blob)]);
    return blob.slice(0, params[1].size);
  }

  /**
   * Makes a wrapped key (from {@link AesStream.generateKey}) the session's key. An altered blob
   * fails with TEE_ERROR_MAC_INVALID, a malformed one with TEEC_ERROR_BAD_FORMAT.
   * @example const { bits, mode } = await aes.importKey(blob)
   */
  async importKey(blob: Uint8Array): Promise<{ bits: number; mode: AesMode }> {
    if (!(blob instanceof Uint8Array)) throw new TeecArgumentError('blob', 'must be a Uint8Array key blob');
    const { params } = await this.session.invoke(P.CMD_IMPORT_KEY, [tempInput(blob), valueOutput()]);
    return { bits: params[1].a!, mode: params[1].b as AesMode };
  }

  /** The session key's size, mode and whether it is a test key. @example await aes.keyInfo() */
  async keyInfo(): Promise<{ bits: number; mode: AesMode; testKey: boolean }> {
    const { params } = await this.session.invoke(P.CMD_KEY_INFO, [valueOutput(), valueOutput()]);
    return { bits: params[0].a!, mode: params[0].b as AesMode, testKey: (params[1].a! & P.KEY_FLAG_TEST) !== 0 };
  }

  /**
   * TESTS ONLY: makes a raw, client-chosen key the session's key (for published test vectors).
   * Such a key is flagged as a test key and can never be wrapped.
   * @example await aes.importRawTestKey(Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex'), AesMode.CTR)
   */
  async importRawTestKey(key: Uint8Array, mode: AesMode): Promise<void> {
    await this.session.invoke(P.CMD_TEST_IMPORT_RAW_KEY, [tempInput(key), valueInput(mode, 0)]);
  }

  /** Starts encrypting a stream; returns the IV the TA chose. @example const iv = await aes.startEncrypt() */
  async startEncrypt(aad?: Uint8Array): Promise<Uint8Array> {
    const iv = new Uint8Array(P.CTR_IV_SIZE);
    const { params } = await this.session.invoke(P.CMD_START_ENCRYPT, [tempOutput(iv), ...aadParam(aad)]);
    return iv.slice(0, params[0].size);
  }

  /** Starts decrypting a stream made with `iv` (and `aad`, for GCM). @example await aes.startDecrypt(iv) */
  async startDecrypt(iv: Uint8Array, aad?: Uint8Array): Promise<void> {
    await this.session.invoke(P.CMD_START_DECRYPT, [tempInput(iv), ...aadParam(aad)]);
  }

  /** Closes the session (the key is gone with it). @example await aes.close() */
  close(): Promise<void> {
    return this.session.close();
  }
}

/**
 * Options shared by the AES stream operators (passed on to teecInvoke).
 *
 * `ordered`: CTR and GCM decryption chunks carry their position, so the TA takes them in any
 * order, and `ordered: false` lets the next chunk wait in the TEE while the TA works on the
 * current one. That costs a thread wake-up per chunk on the Node side, which pays off only for
 * large chunks: on a 2-vCPU VM (docs/benchmarks.md) it was 11–16% faster at 512 KiB–4 MiB and
 * 7–16% slower at 64–256 KiB. So it defaults to false from 512 KiB chunks up (UNORDERED_FROM),
 * true below. GCM encryption is always ordered (its chunk indices must come in sequence).
 */
export type AesStreamOptions = Pick<TeecInvokeOptions, 'depth' | 'memory' | 'ordered'> & {
  /** Bytes per chunk (plaintext for GCM). Default 1 MiB. */
  chunkSize?: number;
};

/**
 * AES-CTR over a stream (encryption and decryption are the same), in place in shared memory:
 * each chunk carries its stream offset, so chunks are independent. Call
 * {@link AesStream.startEncrypt} or {@link AesStream.startDecrypt} first.
 *
 * @example
 * await aes.startDecrypt(iv);
 * pullFromFile('movie.enc', { start: headerSize }).pipe(aesCtr(aes.session, { output: 'lease' }), writeTo(out))
 */
export function aesCtr(session: Session, options: AesStreamOptions & { output: 'lease'; startOffset?: number }): OperatorFunction<Uint8Array, ChunkLease>;
export function aesCtr(session: Session, options?: AesStreamOptions & { output?: 'copy'; startOffset?: number }): OperatorFunction<Uint8Array, Uint8Array>;
export function aesCtr(session: Session, options: AesStreamOptions & { output?: 'copy' | 'lease'; startOffset?: number } = {}): OperatorFunction<Uint8Array, Uint8Array | ChunkLease> {
  const start = checkSize(options.startOffset ?? 0, 'options.startOffset');
  const blockSize = options.chunkSize ?? 1 << 20;
  return teecInvoke(session, P.CMD_CTR_CHUNK, {
    blockSize,
    depth: options.depth,
    memory: options.memory,
    ordered: defaultOrdered(options.ordered, blockSize),
    output: options.output as 'copy',
    params: (chunk, io): Param[] => {
      const offset = start + chunk.offset;
      return [io.input, valueInput(offset % TWO_32, Math.floor(offset / TWO_32))];
    },
  });
}

/**
 * AES-GCM encryption of a stream of `totalBytes` bytes into chunks of `chunkSize` plaintext bytes,
 * each followed by its 16-byte tag (the last one flagged FINAL, so truncation is detected).
 * Call {@link AesStream.startEncrypt} first.
 * @example src.pipe(aesGcmEncrypt(aes.session, { totalBytes: size, chunkSize: 1 << 20 }))
 */
export function aesGcmEncrypt(session: Session, options: AesStreamOptions & { totalBytes: number; output?: 'copy' }): OperatorFunction<Uint8Array, Uint8Array> {
  if (options.ordered === false) throw new TeecArgumentError('options.ordered', 'cannot be false for GCM encryption: its chunk indices must reach the TA in sequence');
  return gcmInvoke(session, { ...options, ordered: options.ordered ?? true }, { reserve: P.GCM_TAG_SIZE });
}

/**
 * AES-GCM decryption of a stream made by {@link aesGcmEncrypt}: `totalBytes` is the ciphertext
 * size (tags included). No chunk's plaintext is emitted before its tag verified; a tampered,
 * reordered or truncated stream fails with a TeecStreamError (TEE_ERROR_MAC_INVALID) naming the chunk.
 * @example src.pipe(aesGcmDecrypt(aes.session, { totalBytes: size, chunkSize: 1 << 20, output: 'lease' }))
 */
export function aesGcmDecrypt(session: Session, options: AesStreamOptions & { totalBytes: number; output: 'lease' }): OperatorFunction<Uint8Array, ChunkLease>;
export function aesGcmDecrypt(session: Session, options: AesStreamOptions & { totalBytes: number; output?: 'copy' }): OperatorFunction<Uint8Array, Uint8Array>;
export function aesGcmDecrypt(session: Session, options: AesStreamOptions & { totalBytes: number; output?: 'copy' | 'lease' }): OperatorFunction<Uint8Array, Uint8Array | ChunkLease> {
  return gcmInvoke(session, options, { output: options.output as 'copy' });
}

/** teecInvoke over GCM_CHUNK: fixed-size frames (coalesced), each with its index and FINAL flag. */
function gcmInvoke(session: Session, options: AesStreamOptions & { totalBytes: number }, extra: Pick<TeecInvokeOptions, 'reserve'> & { output?: 'copy' }) {
  const { chunkSize, totalBytes } = gcmSizes(options);
  return teecInvoke(session, P.CMD_GCM_CHUNK, {
    blockSize: chunkSize + P.GCM_TAG_SIZE,
    coalesce: true,
    depth: options.depth,
    memory: options.memory,
    ordered: defaultOrdered(options.ordered, chunkSize),
    ...extra,
    params: (chunk, io) => [io.input, valueInput(chunk.index, chunk.offset + chunk.length === totalBytes ? P.CHUNK_FINAL : 0)],
  });
}

/** Chunk size (bytes) from which the order-independent AES operators default to `ordered: false`. */
export const UNORDERED_FROM = 512 * 1024;

/** The caller's choice (teecInvoke checks it), else in order below UNORDERED_FROM (and for a bad size, which teecInvoke rejects). */
function defaultOrdered(ordered: boolean | undefined, chunkSize: number): boolean {
  return ordered ?? !(chunkSize >= UNORDERED_FROM);
}

/** Size of the GCM ciphertext (tags included) of `plainBytes` bytes in chunks of `chunkSize`. @example gcmCiphertextSize(100, 64) // 132 */
export function gcmCiphertextSize(plainBytes: number, chunkSize: number): number {
  return plainBytes + Math.ceil(plainBytes / chunkSize) * P.GCM_TAG_SIZE;
}

/** True when an error is the TA's authentication failure (tampered data or key blob). */
export function isAuthenticationFailure(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: number }).code === ReturnCode.TEE_ERROR_MAC_INVALID;
}

function gcmSizes(options: { chunkSize?: number; totalBytes: number }): { chunkSize: number; totalBytes: number } {
  const chunkSize = checkSize(options.chunkSize ?? 1 << 20, 'options.chunkSize');
  const totalBytes = checkSize(options.totalBytes, 'options.totalBytes');
  if (chunkSize === 0) throw new TeecRangeError('options.chunkSize', 'must be at least 1');
  if (totalBytes === 0) throw new TeecRangeError('options.totalBytes', 'must be at least 1: an empty stream has no chunk to carry the final tag');
  return { chunkSize, totalBytes };
}

function checkBitsAndMode(bits: number, mode: number): void {
  if (bits !== 128 && bits !== 192 && bits !== 256) throw new TeecRangeError('bits', `must be 128, 192 or 256, got ${bits}`);
  if (mode !== AesMode.CTR && mode !== AesMode.GCM) throw new TeecRangeError('mode', `must be AesMode.CTR or AesMode.GCM, got ${mode}`);
}

function aadParam(aad: Uint8Array | undefined): Param[] {
  if (aad === undefined) return [];
  if (!(aad instanceof Uint8Array)) throw new TeecArgumentError('aad', 'must be a Uint8Array');
  if (aad.length > P.MAX_AAD) throw new TeecRangeError('aad', `must be at most ${P.MAX_AAD} bytes, got ${aad.length}`);
  return [tempInput(aad)];
}
