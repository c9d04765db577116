#!/usr/bin/env node
'use strict';
// Streaming decryption in a TEE: the main rx-teec demo (`npm start`).
//
//  1. The AES TA generates an AES-128 key; the client gets it only wrapped (a blob only the TA opens).
//  2. A sample file is encrypted (AES-128-CTR) by the TA.
//  3. A second session imports the wrapped key and decrypts the file file → TA → file through the
//     reactive pipeline: the file is read straight into shared memory, never ahead of a free block,
//     and a block is reused only once its plaintext is written out.
//  4. The output's SHA-256 is checked against the original's.
//
// Usage: node examples/decrypt-file.js [--mib N] [--chunk-kib K] [--depth D] [--keep]
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { lastValueFrom, tap } = require('rxjs');
const { Context, AesStream, AesMode, aesCtr } = require('rx-teec');
const { pullFromFile, writeTo } = require('rx-teec/operators');
const { byteProgress, MiB } = require('./lib/progress');
const { encodeHeader, readHeader } = require('./lib/container');
const { parseOptions } = require('./lib/cli');

/** A sample file of `size` pseudo-random bytes (fast to make, not compressible); returns its SHA-256. */
function makeSample(file, size) {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'w');
  const block = crypto.randomBytes(MiB);
  for (let done = 0, i = 0; done < size; i++) {
    const n = Math.min(MiB, size - done);
    block.writeUInt32LE(i, 0); // every block differs
    fs.writeSync(fd, block, 0, n);
    hash.update(block.subarray(0, n));
    done += n;
  }
  fs.closeSync(fd);
  return hash.digest('hex');
}

async function sha256(file) {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: MiB })) hash.update(chunk);
  return hash.digest('hex');
}

async function main() {
  const options = parseOptions('node examples/decrypt-file.js [--mib N] [--chunk-kib K] [--depth D] [--keep]', { mib: 64, 'chunk-kib': 1024, depth: 2 }, ['keep']);
  const size = options.mib * MiB;
  const chunkSize = options['chunk-kib'] * 1024;
  const depth = options.depth;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-teec-demo-'));
  const plainFile = path.join(dir, 'sample.bin');
  const encFile = path.join(dir, 'sample.enc');
  const outFile = path.join(dir, 'sample.dec');
  const context = await Context.open();
  try {
    const { info } = context.backend;
    console.log(`backend: ${info.kind}${info.libraryPath ? ` (${info.libraryPath})` : ''} — ${info.reason}`);
    const originalSha = makeSample(plainFile, size);
    console.log(`sample: ${(size / MiB).toFixed(0)} MiB, SHA-256 ${originalSha}`);

    // Encrypt with a key generated inside the TA; keep only its wrapped form.
    const writer = await AesStream.open(context);
    const blob = await writer.generateKey(128, AesMode.CTR);
    const iv = await writer.startEncrypt();
    fs.writeFileSync(encFile, encodeHeader({ mode: AesMode.CTR, blob, iv }));
    await lastValueFrom(pullFromFile(plainFile).pipe(aesCtr(writer.session, { chunkSize, depth, output: 'lease' }), writeTo(fs.createWriteStream(encFile, { flags: 'a' }))), {
      defaultValue: 0,
    });
    await writer.close();
    console.log(`encrypted in the TA: ${encFile} (the key left the TA only wrapped, ${blob.length}-byte blob)`);

    // Decrypt in a fresh session: the TA unwraps the key; the client never sees it.
    const header = readHeader(encFile);
    const reader = await AesStream.open(context);
    await reader.importKey(header.blob);
    await reader.startDecrypt(header.iv);
    const progress = byteProgress('decrypting in TA', size);
    await lastValueFrom(
      pullFromFile(encFile, { start: header.headerSize }).pipe(
        aesCtr(reader.session, { chunkSize, depth, output: 'lease' }),
        writeTo(fs.createWriteStream(outFile)),
        tap((written) => progress.update(written)),
      ),
      { defaultValue: 0 },
    );
    const run = progress.stop();
    await reader.close();

    const outputSha = await sha256(outFile);
    const ok = outputSha === originalSha;
    console.log(`decrypted SHA-256 ${outputSha}: ${ok ? 'matches the original' : 'DOES NOT match the original'}`);
    console.log(
      `throughput: ${(run.bytes / MiB).toFixed(1)} MiB in ${run.seconds.toFixed(2)} s = ${run.mibPerSecond.toFixed(0)} MiB/s ` +
        `(AES-128-CTR, ${chunkSize / 1024} KiB chunks, depth ${depth}); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    await context.close();
    if (!options.keep) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`files kept in ${dir}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
