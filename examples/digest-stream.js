#!/usr/bin/env node
'use strict';
// Streams a file through the seed's demo TA, which keeps a SHA-256 of every byte it is sent, and
// checks the TA's digest against Node's own. Usage: node examples/digest-stream.js [file] [--mib N]
//
// What it shows: a pull source (the file is read straight into the shared block, never ahead of a
// free block), teecInvoke at depth 2, the TA's result read with a plain invoke, and a progress bar.
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { lastValueFrom, tap } = require('rxjs');
const { Context, tempOutput, valueOutput } = require('rx-teec');
const { pullFromFile, teecInvoke } = require('rx-teec/operators');
const { byteProgress, MiB } = require('./lib/progress');
const { parseOptions } = require('./lib/cli');

const DEMO_TA = '123e4567-e89b-12d3-a456-426655440000';
const CMD_PROCESS = 1;
const CMD_GET_RESULT = 2;

async function main() {
  const options = parseOptions('node examples/digest-stream.js [file] [--mib N]', { mib: 64 }, [], 1);
  const sizeMiB = options.mib;
  let [file] = options.positionals;
  let cleanup = () => {};
  if (!file) {
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rx-teec-demo-')), 'sample.bin');
    fs.writeFileSync(file, crypto.randomBytes(sizeMiB * MiB));
    cleanup = () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  const total = fs.statSync(file).size;
  const context = await Context.open();
  try {
    console.log(`backend: ${context.backend.info.kind} (${context.backend.info.libraryPath ?? 'no library'}) — ${context.backend.info.reason}`);
    const session = await context.openSession(DEMO_TA);
    const progress = byteProgress('digest in TA', total);
    let sent = 0;
    await lastValueFrom(
      pullFromFile(file).pipe(
        teecInvoke(session, CMD_PROCESS, { blockSize: MiB, depth: 2, output: 'lease' }),
        tap((lease) => {
          sent += lease.data.length;
          lease.release();
          progress.update(sent);
        }),
      ),
      { defaultValue: undefined },
    );
    const run = progress.stop();
    await session.invoke(CMD_PROCESS); // no parameters: ends the stream
    const digest = new Uint8Array(32);
    const { params } = await session.invoke(CMD_GET_RESULT, [tempOutput(digest), valueOutput()]);
    const expected = crypto.createHash('sha256').update(fs.readFileSync(file)).digest();
    const ok = Buffer.from(digest).equals(expected) && params[1].a === total % 2 ** 32;
    console.log(`TA digest ${Buffer.from(digest).toString('hex')} over ${params[1].a} bytes: ${ok ? 'matches' : 'DOES NOT match'} Node's SHA-256`);
    console.log(`throughput: ${(run.bytes / MiB).toFixed(1)} MiB in ${run.seconds.toFixed(2)} s = ${run.mibPerSecond.toFixed(0)} MiB/s`);
    if (!ok) process.exitCode = 1;
  } finally {
    await context.close();
    cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
