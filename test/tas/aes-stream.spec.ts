/**
 * The AES stream TA through the TypeScript client and operators, on the simulator.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { Context, ReturnCode, TeecStreamError, tempInout, valueInput } from '../../src/core';
import { pullFrom } from '../../src/operators';
import { AES_STREAM_TA, AesMode, AesStream, AesStreamProtocol, UNORDERED_FROM, aesCtr, aesGcmDecrypt, aesGcmEncrypt, gcmCiphertextSize, isAuthenticationFailure } from '../../src/tas';
import { ROOT } from '../support/simulator';

let ctx: Context;
beforeAll(async () => {
  ctx = await Context.open();
});
afterAll(() => ctx?.close());

const MiB = 1 << 20;
const hex = (s: string) => Buffer.from(s, 'hex');
const concat = (chunks: Uint8Array[]) => Buffer.concat(chunks.map((c) => Buffer.from(c)));
/** Cuts `data` into pieces of the given sizes, cycling. */
const cut = (data: Uint8Array, sizes: number[]) => {
  const out: Uint8Array[] = [];
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = Math.min(sizes[i % sizes.length], data.length - off);
    out.push(data.subarray(off, off + n));
    off += n;
  }
  return out;
};

async function ctrThrough(aes: AesStream, data: Uint8Array, chunkSize: number, sourceChunks: number[] = [chunkSize]): Promise<Buffer> {
  return concat(await lastValueFrom(pullFrom(cut(data, sourceChunks)).pipe(aesCtr(aes.session, { chunkSize }), toArray())));
}

describe('AES stream TA', () => {
  it('its TypeScript constants match the TA header', () => {
    const header = readFileSync(join(ROOT, 'native/tas/aes_stream/include/aes_stream_ta.h'), 'utf8');
    const defs = Object.fromEntries([...header.matchAll(/^#define AES_STREAM_(\w+) (0x[0-9A-Fa-f]+|\d+)$/gm)].map(([, k, v]) => [k, Number(v)]));
    expect(header).toContain(`#define AES_STREAM_TA_UUID_STR "${AES_STREAM_TA}"`);
    for (const [name, value] of Object.entries(AesStreamProtocol)) expect([name, defs[name]]).toEqual([name, value]);
    expect(defs.MODE_CTR).toBe(AesMode.CTR);
    expect(defs.MODE_GCM).toBe(AesMode.GCM);
  });

  it('NIST SP 800-38A CTR vectors (F.5.1, F.5.5) through aesCtr, in odd chunks', async () => {
    const pt = hex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710');
    const vectors = [
      ['2b7e151628aed2a6abf7158809cf4f3c', '874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee'],
      ['603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4', '601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c52b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6'],
    ];
    for (const [key, ct] of vectors) {
      const aes = await AesStream.open(ctx);
      await aes.importRawTestKey(hex(key), AesMode.CTR);
      expect(await aes.keyInfo()).toEqual({ bits: key.length * 4, mode: AesMode.CTR, testKey: true });
      await aes.startDecrypt(hex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'));
      expect((await ctrThrough(aes, pt, 17, [5, 40, 3])).toString('hex')).toBe(ct);
      await aes.close();
    }
  });

  it('GCM test case 4 (chunk 0 of a stream is plain GCM)', async () => {
    const aes = await AesStream.open(ctx);
    await aes.importRawTestKey(hex('feffe9928665731c6d6a8f9467308308'), AesMode.GCM);
    await aes.startDecrypt(hex('cafebabefacedbaddecaf888'), hex('feedfacedeadbeeffeedfacedeadbeefabaddad2'));
    const ct = hex('42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091');
    const chunk = Buffer.concat([ct, hex('5bc94fbc3221a5db94fae95ae7121a47')]);
    const { params } = await aes.session.invoke(AesStreamProtocol.CMD_GCM_CHUNK, [tempInout(chunk), valueInput(0, 0)]);
    expect(chunk.subarray(0, params[0].size).toString('hex')).toBe(
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    );
    await aes.close();
  });

  it('CTR through the pipeline equals Node crypto for random data and chunking (test key)', async () => {
    const key = randomBytes(16);
    const aes = await AesStream.open(ctx);
    await aes.importRawTestKey(key, AesMode.CTR);
    const iv = await aes.startEncrypt();
    for (const size of [1, 15, 16, 17, 4095, 65536 + 3, 300_001]) {
      const data = randomBytes(size);
      const reference = createCipheriv('aes-128-ctr', key, iv).update(data);
      expect((await ctrThrough(aes, data, 4096, [1000, 7000, 13])).equals(reference)).toBe(true);
    }
    await aes.close();
  });

  it('large chunks go unordered by default (the TA takes CTR chunks in any order); the bytes are the same either way', async () => {
    const key = randomBytes(16);
    const aes = await AesStream.open(ctx);
    await aes.importRawTestKey(key, AesMode.CTR);
    const iv = await aes.startEncrypt();
    const data = randomBytes(5 * MiB + 3);
    const reference = createCipheriv('aes-128-ctr', key, iv).update(data);
    const invoke = jest.spyOn(aes.session, 'invoke');
    const through = async (options: { chunkSize: number; ordered?: boolean }) =>
      concat(await lastValueFrom(pullFrom(cut(data, [300_000, MiB + 17])).pipe(aesCtr(aes.session, { ...options, depth: 3 }), toArray())));
    const orderedFlags = () => invoke.mock.calls.splice(0).map((c) => c[2]?.ordered);
    expect((await through({ chunkSize: MiB })).equals(reference)).toBe(true);
    expect(new Set(orderedFlags())).toEqual(new Set([false]));
    expect((await through({ chunkSize: MiB, ordered: true })).equals(reference)).toBe(true);
    expect(new Set(orderedFlags())).toEqual(new Set([true]));
    expect((await through({ chunkSize: UNORDERED_FROM - 1 })).equals(reference)).toBe(true);
    expect(new Set(orderedFlags())).toEqual(new Set([true]));
    invoke.mockRestore();
    await aes.close();
  });

  it('round trips with a TA-generated key that leaves the TA only wrapped', async () => {
    for (const bits of [128, 256] as const) {
      const enc = await AesStream.open(ctx);
      const blob = await enc.generateKey(bits, AesMode.CTR);
      expect(blob.length).toBe(36 + bits / 8);
      const iv = await enc.startEncrypt();
      const data = randomBytes(1 << 20 | 5);
      const ct = await ctrThrough(enc, data, 65536);
      expect(ct.equals(data)).toBe(false);
      await enc.close();
      const dec = await AesStream.open(ctx);
      expect(await dec.importKey(blob)).toEqual({ bits, mode: AesMode.CTR });
      expect((await dec.keyInfo()).testKey).toBe(false);
      await dec.startDecrypt(iv);
      expect((await ctrThrough(dec, ct, 65536, [100_000, 3])).equals(data)).toBe(true);
      await dec.close();
    }
  });

  describe('GCM streams', () => {
    const chunkSize = 1000;
    /** Encrypts data under a fresh TA-generated key (read in pieces of `frame.pieces`). */
    async function encrypt(data: Uint8Array, aad?: Uint8Array, frame: { chunkSize: number; bits: 128 | 256; pieces: number[] } = { chunkSize, bits: 128, pieces: [333, 4000] }) {
      const aes = await AesStream.open(ctx);
      const blob = await aes.generateKey(frame.bits, AesMode.GCM);
      const iv = await aes.startEncrypt(aad);
      const out = concat(await lastValueFrom(pullFrom(cut(data, frame.pieces)).pipe(aesGcmEncrypt(aes.session, { chunkSize: frame.chunkSize, totalBytes: data.length }), toArray())));
      await aes.close();
      expect(out.length).toBe(gcmCiphertextSize(data.length, frame.chunkSize));
      return { blob, iv, ct: out };
    }
    /** Decrypts ct (read in pieces of `sourceChunk`), collecting the plaintext and the error if any. */
    async function decryptCollect(blob: Uint8Array, iv: Uint8Array, ct: Uint8Array, aad?: Uint8Array, frame = { chunkSize, sourceChunk: 777, depth: 2 }) {
      const aes = await AesStream.open(ctx);
      await aes.importKey(blob);
      await aes.startDecrypt(iv, aad);
      const invoke = jest.spyOn(aes.session, 'invoke');
      const got: Buffer[] = [];
      let error: unknown;
      await new Promise<void>((resolve) =>
        pullFrom(cut(ct, [frame.sourceChunk]))
          .pipe(aesGcmDecrypt(aes.session, { chunkSize: frame.chunkSize, totalBytes: ct.length, depth: frame.depth }))
          .subscribe({ next: (c) => got.push(Buffer.from(c)), error: (e) => ((error = e), resolve()), complete: resolve }),
      );
      const ordered = new Set(invoke.mock.calls.map((c) => c[2]?.ordered));
      invoke.mockRestore();
      await aes.close();
      return { plain: Buffer.concat(got), chunks: got.length, error, ordered };
    }

    it('round trips odd sizes (1 byte, a chunk ± 1, many chunks) with AAD', async () => {
      const aad = Buffer.from('movie-42');
      for (const size of [1, chunkSize - 1, chunkSize, chunkSize + 1, 10 * chunkSize + 7]) {
        const data = randomBytes(size);
        const { blob, iv, ct } = await encrypt(data, aad);
        const { plain, error } = await decryptCollect(blob, iv, ct, aad);
        expect(error).toBeUndefined();
        expect(plain.equals(data)).toBe(true);
      }
    });

    it('a tampered chunk fails with MAC_INVALID naming it; nothing of it is released', async () => {
      const data = randomBytes(5 * chunkSize);
      const { blob, iv, ct } = await encrypt(data);
      const tampered = Buffer.from(ct);
      tampered[2 * (chunkSize + 16) + 10] ^= 1; // a byte of chunk 2
      const { plain, chunks, error } = await decryptCollect(blob, iv, tampered);
      expect(error).toBeInstanceOf(TeecStreamError);
      expect((error as TeecStreamError).code).toBe(ReturnCode.TEE_ERROR_MAC_INVALID);
      expect((error as TeecStreamError).chunkIndex).toBe(2);
      expect(isAuthenticationFailure(error)).toBe(true);
      expect(chunks).toBe(2);
      expect(plain.equals(data.subarray(0, 2 * chunkSize))).toBe(true);
    });

    it('1 MiB chunks (decrypted unordered by default): round trip, and a tampered chunk fails after the chunks before it', async () => {
      const big = MiB;
      const data = randomBytes(3 * big + 5);
      const { blob, iv, ct } = await encrypt(data, undefined, { chunkSize: big, bits: 256, pieces: [data.length] });
      const decrypt = (input: Uint8Array) => decryptCollect(blob, iv, input, undefined, { chunkSize: big, sourceChunk: big / 2, depth: 3 });
      const ok = await decrypt(ct);
      expect(ok.error).toBeUndefined();
      expect(ok.plain.equals(data)).toBe(true);
      expect(ok.ordered).toEqual(new Set([false]));
      const tampered = Buffer.from(ct);
      tampered[(big + 16) + 99] ^= 0x80; // a byte of chunk 1
      const bad = await decrypt(tampered);
      expect(bad.error).toMatchObject({ code: ReturnCode.TEE_ERROR_MAC_INVALID, chunkIndex: 1 });
      expect(bad.chunks).toBe(1);
      expect(bad.plain.equals(data.subarray(0, big))).toBe(true);
    });

    it('a truncated, reordered or re-keyed stream fails authentication', async () => {
      const data = randomBytes(3 * chunkSize);
      const { blob, iv, ct } = await encrypt(data);
      const frame = chunkSize + 16;
      const truncated = ct.subarray(0, 2 * frame);
      expect((await decryptCollect(blob, iv, truncated)).error).toMatchObject({ code: ReturnCode.TEE_ERROR_MAC_INVALID, chunkIndex: 1 });
      const swapped = Buffer.concat([ct.subarray(frame, 2 * frame), ct.subarray(0, frame), ct.subarray(2 * frame)]);
      expect((await decryptCollect(blob, iv, swapped)).error).toMatchObject({ code: ReturnCode.TEE_ERROR_MAC_INVALID, chunkIndex: 0 });
      const other = await encrypt(randomBytes(10)); // another TA-generated key
      expect((await decryptCollect(other.blob, iv, ct)).error).toMatchObject({ code: ReturnCode.TEE_ERROR_MAC_INVALID, chunkIndex: 0 });
    });

    it('an altered key blob is refused', async () => {
      const { blob } = await encrypt(randomBytes(10));
      const altered = Uint8Array.from(blob);
      altered[25] ^= 0x80;
      const aes = await AesStream.open(ctx);
      await expect(aes.importKey(altered)).rejects.toMatchObject({ code: ReturnCode.TEE_ERROR_MAC_INVALID });
      await expect(aes.importKey(blob.subarray(0, 10))).rejects.toMatchObject({ code: ReturnCode.TEEC_ERROR_BAD_FORMAT });
      await aes.close();
    });
  });

  it('rejects bad arguments with errors naming them', async () => {
    const aes = await AesStream.open(ctx);
    await expect(aes.generateKey(100 as never, AesMode.CTR)).rejects.toThrow(/bits/);
    await expect(aes.generateKey(128, 9 as never)).rejects.toThrow(/mode/);
    expect(() => aesGcmDecrypt(aes.session, { totalBytes: 0 })).toThrow(/options\.totalBytes/);
    expect(() => aesGcmEncrypt(aes.session, { totalBytes: 10, ordered: false })).toThrow(/options\.ordered/);
    expect(() => aesGcmEncrypt(aes.session, { totalBytes: 10, ordered: 1 as never })).toThrow(/options\.ordered/);
    expect(() => aesCtr(aes.session, { ordered: 1 as never })).toThrow(/options\.ordered/);
    await expect(aes.startEncrypt(new Uint8Array(2000))).rejects.toThrow(/aad/);
    await aes.close();
  });
});
