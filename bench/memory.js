'use strict';
// Peak RSS while streaming 1 GiB from a producer much faster than the TA, in a fresh Node process
// so that nothing else inflates the figure. Goal: below 64 MiB plus the blocks.
const { table, fmt, runNodeJson } = require('./lib');

const CHILD = `
const { lastValueFrom, tap } = require('rxjs');
const { Context } = require('rx-teec');
const { fromDataProvider, pullFrom, teecInvoke } = require('rx-teec/operators');
const MiB = 1 << 20, TOTAL = 1024, mode = process.argv[1], output = process.argv[2];
(async () => {
  const ctx = await Context.open();
  const s = await ctx.openSession('e7e3e509-f4e1-492b-8df8-5ca20eb599f0');
  const base = process.memoryUsage().rss;
  let n = 0;
  const source = mode === 'iterable'
    ? pullFrom((function* () { const chunk = Buffer.alloc(MiB, 7); for (let i = 0; i < TOTAL; i++) yield chunk; })())
    : fromDataProvider((b) => (n++ < TOTAL ? (b.fill(7), b.length) : 0));
  await lastValueFrom(source.pipe(teecInvoke(s, 11, { blockSize: MiB, depth: 2, output }), tap((x) => x.release && x.release())), { defaultValue: 0 });
  await ctx.close();
  console.log(JSON.stringify({ baseMiB: base / MiB, peakMiB: process.resourceUsage().maxRSS / 1024 }));
})();
`;

module.exports = async function memory() {
  const rows = [];
  const sources = { provider: 'data provider (fills the block in place)', iterable: 'sync iterable of 1 MiB chunks' };
  for (const [mode, output] of [['provider', 'lease'], ['iterable', 'lease'], ['provider', 'copy'], ['iterable', 'copy']]) {
    const { baseMiB, peakMiB } = runNodeJson(`memory child (${mode}, ${output})`, ['-e', CHILD, mode, output]);
    rows.push([sources[mode], output, '1024', fmt(baseMiB), fmt(peakMiB), peakMiB < 64 + 2 ? 'yes' : 'no']);
  }
  return table(
    'Peak RSS streaming 1 GiB through teecInvoke, depth 2 (2 × 1 MiB blocks), producer faster than the TA. Copy mode emits a fresh 1 MiB array per chunk: the peak includes the dead copies awaiting GC',
    ['source', 'output', 'MiB streamed', 'RSS after open (MiB)', 'peak RSS (MiB)', '< 64 MiB + blocks'],
    rows,
  );
};
