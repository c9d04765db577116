'use strict';
// Streaming throughput of teecInvoke (depth 1 and 2; depth 2 also with ordered: false) vs a C loop
// doing the same 1 MiB invokes on the same simulator (and the same invokes from two C threads on the
// session); and with a producer that does real work, where depth 2 overlaps it with the TA.
const crypto = require('node:crypto');
const { Context } = require('rx-teec');
const { fromDataProvider, teecInvoke } = require('rx-teec/operators');
const { MiB, ROUNDS, runCBench, steadyRate, table, fmt, ratio, interleaved } = require('./lib');

const CONFORMANCE_TA = 'e7e3e509-f4e1-492b-8df8-5ca20eb599f0';
const CMD_TOUCH = 11;

// Long passes: the first few hundred chunks after a subscription run slower on a small VM while the
// scheduler settles the TA host and Node's threads; the C loop is timed over as many invokes.
const CHUNKS = 1024;
const SKIP = 16;

/**
 * Streams CHUNKS 1 MiB blocks through TOUCH; `work(block)` is the producer's per-block work.
 * Returns the steady-state MiB/s (after the first SKIP outputs, like the C loop after its
 * warm-up) and the set-up time to the first output.
 */
function throughput(session, depth, work, ordered = true) {
  let produced = 0;
  const source = fromDataProvider((block) => {
    if (produced === CHUNKS) return 0;
    produced++;
    work(block);
    return block.length;
  });
  return steadyRate(source.pipe(teecInvoke(session, CMD_TOUCH, { blockSize: MiB, depth, ordered, output: 'lease' })), SKIP);
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
    const pipelines = {
      d1: () => throughput(session, 1, work),
      d2: () => throughput(session, 2, work),
      d2u: () => throughput(session, 2, work, false),
    };
    // One unmeasured pass of each pipeline: the JIT compiles it before it is timed.
    for (const run of Object.values(pipelines)) await run();
    const m = await interleaved({
      c: async () => {
        const results = runCBench('teec-bench', ['--mib-ops', String(CHUNKS - SKIP)]).results;
        const rate = (name) => results.find((r) => r.name === name).mib_per_s;
        return { loop: rate('shm_1mib_partial_inout'), twoThreads: rate('shm_1mib_pipelined') };
      },
      ...pipelines,
    });
    rows.push([
      label,
      fmt(m.c.loop, 0),
      fmt(m.c.twoThreads, 0),
      fmt(m.d1.mibPerS, 0),
      fmt(m.d2.mibPerS, 0),
      fmt(m.d2u.mibPerS, 0),
      ratio(m.d2.mibPerS / m.c.loop),
      ratio(m.d2u.mibPerS / m.c.loop),
      ratio(m.d2.mibPerS / m.d1.mibPerS),
      ratio(m.d2u.mibPerS / m.d1.mibPerS),
      fmt(m.d2.firstMs, 2),
    ]);
  }
  await ctx.close();
  return table(
    `teecInvoke throughput, 1 MiB chunks through TOUCH (steady-state MiB/s over ${CHUNKS - SKIP} of ${CHUNKS} chunks, median of ${ROUNDS} quiet interleaved rounds per row, higher is better; goal depth 2 ≥ 0.9× the C loop). Set-up: subscribe to first output at depth 2 (allocating and first touching the blocks)`,
    ['producer', 'C loop', 'C, 2 threads', 'depth 1', 'depth 2', 'd2 unordered', 'depth 2 / C', 'd2 unordered / C', 'depth 2 / depth 1', 'd2 unordered / d1', 'set-up ms'],
    rows,
  );
};
