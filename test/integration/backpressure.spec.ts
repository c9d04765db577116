/**
 * End-to-end backpressure on the simulator: a slow destination holds the TA and the producer back.
 */
import { Readable, Writable } from 'node:stream';
import { lastValueFrom } from 'rxjs';
import { Context } from '../../src/core';
import { fromDataProvider, pullFrom, teecInvoke, writeTo } from '../../src/operators';
import { CONF } from '../support/simulator';

let ctx: Context;
beforeAll(async () => {
  ctx = await Context.open();
});
afterAll(() => ctx?.close());

/** A Writable that takes `delayMs` per chunk and records what it got. */
function slowSink(delayMs: number) {
  const state = { written: 0, chunks: [] as Buffer[] };
  const sink = new Writable({
    highWaterMark: 1, // bytes: every write reports "full"
    write(chunk: Buffer, _enc, done) {
      setTimeout(() => {
        state.written++;
        state.chunks.push(Buffer.from(chunk)); // copy: the lease is released once `done` runs
        done();
      }, delayMs);
    },
  });
  return { sink, state };
}

describe('backpressure end to end', () => {
  it('a slow Writable paces the TA and the producer: reads stay within `depth` of completed writes', async () => {
    const session = await ctx.openSession(CONF.uuid.multi);
    const { sink, state } = slowSink(15);
    let reads = 0;
    let maxAhead = 0;
    const total = 24;
    const source = fromDataProvider((block) => {
      if (reads === total) return 0;
      reads++;
      maxAhead = Math.max(maxAhead, reads - state.written);
      block.fill(reads & 0xff, 0, 4096);
      return 4096;
    });
    const bytes = await lastValueFrom(source.pipe(teecInvoke(session, CONF.CONF_CMD_TOUCH, { blockSize: 4096, depth: 2, output: 'lease' }), writeTo(sink)));
    expect(bytes).toBe(total * 4096);
    expect(maxAhead).toBeLessThanOrEqual(2);
    expect(state.chunks.map((c) => c[0])).toEqual(Array.from({ length: total }, (_, i) => ((i + 1) & 0xff) + 1));
    expect(sink.writableFinished).toBe(true);
    await session.close();
  });

  it('a Node Readable is pulled lazily: it is not drained ahead of the TA', async () => {
    const session = await ctx.openSession(CONF.uuid.multi);
    let produced = 0;
    const readable = new Readable({
      highWaterMark: 1, // objects in its own buffer
      objectMode: true,
      read() {
        this.push(produced < 50 ? Buffer.alloc(1024, ++produced) : null);
      },
    });
    const { sink, state } = slowSink(10);
    let maxAhead = 0;
    const watch = setInterval(() => (maxAhead = Math.max(maxAhead, produced - state.written)), 1);
    await lastValueFrom(pullFrom(readable).pipe(teecInvoke(session, CONF.CONF_CMD_TOUCH, { blockSize: 1024, depth: 2, output: 'lease' }), writeTo(sink)));
    clearInterval(watch);
    expect(state.written).toBe(50);
    // depth 2 blocks + the Readable's own one-object buffer + the one being read
    expect(maxAhead).toBeLessThanOrEqual(4);
    await session.close();
  });
});
