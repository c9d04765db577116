'use strict';
// Streaming throughput of teecInvoke (depth 1 and 2) vs a C loop doing the same 1 MiB invokes on the
// same simulator; and with a producer that does real work, where depth 2 overlaps it with the TA.
const crypto = require('node:crypto');
const { lastValueFrom, tap } = require('rxjs');
const { Context } = require('rx-teec');
const { fromDataProvider, teecInvoke } = require('rx-teec/operators');
const { MiB, ROUNDS, runCBench, table, fmt, ratio, interleaved } = require('./lib');

const CONFORMANCE_TA = 'e7e3e509-f4e1-492b-8df8-5ca20eb599f0';
const CMD_TOUCH = 11;

/** MiB/s of streaming `totalMiB` 1 MiB blocks through TOUCH; `work(block)` is the producer's per-block work. */
async function throughput(session, depth, totalMiB, work) {
  let produced = 0;
  const source = fromDataProvider((block) => {
    if (produced === totalMiB) return 0;
    produced++;
    work(block);
    return block.length;
  });
  const t0 = process.hrtime.bigint();
  await lastValueFrom(source.pipe(teecInvoke(session, CMD_TOUCH, { blockSize: MiB, depth, output: 'lease' }), tap((lease) => lease.release())), {
    defaultValue: undefined,
  });
  return totalMiB / (Number(process.hrtime.bigint() - t0) / 1e9);
}

module.exports = async function stream() {
  const ctx = await Context.open();
  const session = await ctx.openSession(CONFORMANCE_TA);
  const producers = [
    ['idle producer', () => {}],
    // The producer's work about matches the TA's (TOUCH of 1 MiB): depth 2 can overlap them.
    ["producer hashes 128 KiB of each block (SHA-256), about the TA's time", (block) => crypto.createHash('sha256').update(block.subarray(0, 128 * 1024)).digest()],
    ["producer hashes each whole block (SHA-256), ~10× the TA's time", (block) => crypto.createHash('sha256').update(block).digest()],
  ];
  const rows = [];
  for (const [label, work] of producers) {
    const m = await interleaved({
      c: async () => runCBench('teec-bench').results.find((r) => r.name === 'shm_1mib_partial_inout').mib_per_s,
      d1: () => throughput(session, 1, 128, work),
      d2: () => throughput(session, 2, 128, work),
    });
    rows.push([label, fmt(m.c, 0), fmt(m.d1, 0), fmt(m.d2, 0), ratio(m.d2 / m.c), ratio(m.d2 / m.d1)]);
  }
  await ctx.close();
  return table(
    `teecInvoke throughput, 1 MiB chunks through TOUCH (MiB/s, median of ${ROUNDS} interleaved rounds, higher is better; goal depth 2 ≥ 0.9× the C loop)`,
    ['producer', 'C loop', 'depth 1', 'depth 2', 'depth 2 / C', 'depth 2 / depth 1'],
    rows,
  );
};
