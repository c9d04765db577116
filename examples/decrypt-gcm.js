#!/usr/bin/env node
'use strict';
// Authenticated streaming decryption (AES-256-GCM) in a TEE, and what tampering looks like.
//
// Each chunk of the file carries its own tag, and the TA releases a chunk's plaintext only after
// its tag verified. The chunk index and a FINAL flag are bound into each chunk's nonce, so a
// reordered, truncated or extended file fails too. The demo decrypts the genuine file, then one
// with a single flipped bit, which must fail with an error naming the chunk.
//
// Usage: node examples/decrypt-gcm.js [--mib N] [--chunk-kib K]
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { lastValueFrom, tap } = require('rxjs');
const { Context, AesStream, AesMode, aesGcmEncrypt, aesGcmDecrypt, gcmCiphertextSize, isAuthenticationFailure } = require('rx-teec');
const { pullFromFile, writeTo } = require('rx-teec/operators');
const { byteProgress, MiB } = require('./lib/progress');
const { encodeHeader, readHeader } = require('./lib/container');
const { parseOptions } = require('./lib/cli');

async function decrypt(context, encFile, outFile, label) {
  const header = readHeader(encFile);
  const totalBytes = fs.statSync(encFile).size - header.headerSize;
  const aes = await AesStream.open(context);
  try {
    await aes.importKey(header.blob);
    await aes.startDecrypt(header.iv);
    const progress = byteProgress(label, totalBytes);
    await lastValueFrom(
      pullFromFile(encFile, { start: header.headerSize }).pipe(
        aesGcmDecrypt(aes.session, { chunkSize: header.chunkSize, totalBytes, output: 'lease' }),
        writeTo(fs.createWriteStream(outFile)),
        tap((written) => progress.update(written)),
      ),
      { defaultValue: 0 },
    ).finally(() => progress.stop());
  } finally {
    await aes.close();
  }
}

async function main() {
  const options = parseOptions('node examples/decrypt-gcm.js [--mib N] [--chunk-kib K]', { mib: 16, 'chunk-kib': 256 });
  const size = options.mib * MiB;
  const chunkSize = options['chunk-kib'] * 1024;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-teec-gcm-'));
  const plain = crypto.randomBytes(size);
  const plainFile = path.join(dir, 'sample.bin');
  const encFile = path.join(dir, 'sample.gcm');
  fs.writeFileSync(plainFile, plain);
  const context = await Context.open();
  try {
    console.log(`backend: ${context.backend.info.kind} — ${context.backend.info.reason}`);
    const writer = await AesStream.open(context);
    const blob = await writer.generateKey(256, AesMode.GCM);
    const iv = await writer.startEncrypt();
    fs.writeFileSync(encFile, encodeHeader({ mode: AesMode.GCM, blob, iv, chunkSize }));
    await lastValueFrom(pullFromFile(plainFile).pipe(aesGcmEncrypt(writer.session, { chunkSize, totalBytes: size }), writeTo(fs.createWriteStream(encFile, { flags: 'a' }))), {
      defaultValue: 0,
    });
    await writer.close();
    console.log(`encrypted ${size / MiB} MiB in ${Math.ceil(size / chunkSize)} chunks of ${chunkSize / 1024} KiB + 16-byte tags (${gcmCiphertextSize(size, chunkSize)} bytes)`);

    await decrypt(context, encFile, path.join(dir, 'genuine.out'), 'genuine file ');
    const same = fs.readFileSync(path.join(dir, 'genuine.out')).equals(plain);
    console.log(`genuine file: decrypted and authenticated, ${same ? 'identical to the original' : 'DIFFERENT from the original'}`);

    // Flip one bit in the middle of chunk 3's ciphertext.
    const tampered = path.join(dir, 'tampered.gcm');
    const bytes = fs.readFileSync(encFile);
    const { headerSize } = readHeader(encFile);
    const victim = Math.min(3, Math.ceil(size / chunkSize) - 1);
    bytes[headerSize + victim * (chunkSize + 16) + 100] ^= 0x01;
    fs.writeFileSync(tampered, bytes);
    try {
      await decrypt(context, tampered, path.join(dir, 'tampered.out'), 'tampered file');
      console.log('tampered file: DECRYPTED WITHOUT ERROR — authentication is broken');
      process.exitCode = 1;
    } catch (e) {
      if (!isAuthenticationFailure(e)) throw e;
      const released = fs.statSync(path.join(dir, 'tampered.out')).size;
      console.log(`tampered file: REJECTED — chunk ${e.chunkIndex} (stream offset ${e.chunkOffset}) failed authentication: ${e.codeName} (origin ${e.originName})`);
      console.log(`  plaintext released before the failure: ${released} bytes = the ${released / chunkSize} chunks before it, all authenticated`);
    }
    if (!same) process.exitCode = 1;
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
