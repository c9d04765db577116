'use strict';
// AES-128-CTR stream decryption, side by side, one run, chunk sizes 64 KiB to 4 MiB:
//   openssl speed (the ceiling) | Node's in-process crypto (no TEE) | the C pipeline through the
//   AES TA (build/bench/aes-bench) | teecInvoke via aesCtr: allocated shm at depth 1 and 2 (its
//   default order: unordered from 512 KiB chunks), depth 2 with ordered: true, registered memory, a
//   temp memref per chunk.
// Goal (issue 6): at 1 MiB, teecInvoke depth 2 ≥ 0.9× the C pipeline and ≥ 0.5× openssl speed.
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { Context, AesStream, AesMode, UNORDERED_FROM, aesCtr } = require('rx-teec');
const { fromDataProvider } = require('rx-teec/operators');
const { MiB, ROUNDS, runCBench, steadyRate, table, fmt, ratio, interleaved } = require('./lib');

const CHUNKS = [64 * 1024, 256 * 1024, MiB, 4 * MiB];
const TOTAL = 256 * MiB;

/** openssl speed for one buffer size, in MiB/s. */
function opensslSpeed(chunk) {
  const out = execFileSync('openssl', ['speed', '-evp', 'aes-128-ctr', '-bytes', String(chunk), '-seconds', '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const line = out.split('\n').find((l) => /^aes-128-ctr\s/i.test(l.trim()));
  const kBps = Number(line?.trim().split(/\s+/).pop()?.replace(/k$/, ''));
  return (kBps * 1000) / MiB;
}

/** Node's createDecipheriv over the same chunks, in MiB/s. */
function nodeCrypto(chunk) {
  const key = crypto.randomBytes(16);
  const decipher = crypto.createDecipheriv('aes-128-ctr', key, crypto.randomBytes(16));
  const buf = crypto.randomBytes(chunk);
  const t0 = process.hrtime.bigint();
  for (let done = 0; done < TOTAL; done += chunk) decipher.update(buf);
  return TOTAL / MiB / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/**
 * teecInvoke through the AES TA over a provider that, like the C loop, leaves the block as is.
 * Steady-state MiB/s: the first 8 chunks (the blocks' set-up and first touch) are left out, as
 * the C pipeline leaves out its warm-up.
 */
async function teec(aes, chunk, depth, memory, ordered) {
  let sent = 0;
  const source = fromDataProvider((block) => {
    if (sent >= TOTAL) return 0;
    sent += block.length;
    return block.length;
  });
  const { mibPerS } = await steadyRate(source.pipe(aesCtr(aes.session, { chunkSize: chunk, depth, memory, ordered, output: 'lease' })), 8);
  return mibPerS;
}

module.exports = async function aesBench() {
  const ctx = await Context.open();
  const aes = await AesStream.open(ctx);
  await aes.generateKey(128, AesMode.CTR);
  await aes.startDecrypt(new Uint8Array(16));
  const cPipeline = (chunk) => runCBench('aes-bench', ['--quick', '--rounds', '1', '--chunk', String(chunk)]).results.find((r) => r.name === 'ta_ctr_shm');
  const rows = [];
  for (const chunk of CHUNKS) {
    const pipelines = {
      d1: () => teec(aes, chunk, 1, 'allocated'),
      d2: () => teec(aes, chunk, 2, 'allocated'),
      d2o: () => teec(aes, chunk, 2, 'allocated', true),
      reg: () => teec(aes, chunk, 2, 'registered'),
      tmp: () => teec(aes, chunk, 2, 'temp'),
    };
    // One unmeasured pass of each pipeline first: the JIT compiles it before it is timed.
    for (const run of Object.values(pipelines)) await run();
    const m = await interleaved({
      ssl: async () => opensslSpeed(chunk),
      node: async () => nodeCrypto(chunk),
      c: async () => cPipeline(chunk)?.mib_per_s ?? NaN,
      ...pipelines,
    });
    const order = chunk >= UNORDERED_FROM ? 'unordered' : 'ordered';
    rows.push([`${chunk / 1024} KiB`, fmt(m.ssl, 0), fmt(m.node, 0), fmt(m.c, 0), fmt(m.d1, 0), `${fmt(m.d2, 0)} (${order})`, fmt(m.d2o, 0), fmt(m.reg, 0), fmt(m.tmp, 0), ratio(m.d2 / m.c), ratio(m.d2 / m.ssl)]);
  }
  await ctx.close();
  return table(
    `AES-128-CTR stream decryption (MiB/s, median of ${ROUNDS} quiet interleaved rounds per row, higher is better; goal at 1 MiB: depth 2 ≥ 0.9× the C pipeline, ≥ 0.5× openssl speed)`,
    ['chunk', 'openssl speed', 'Node crypto', 'C pipeline (TA)', 'teecInvoke d1', 'teecInvoke d2 (default order)', 'd2 ordered', 'registered d2', 'temp memref d2', 'd2 / C', 'd2 / openssl'],
    rows,
  );
};
