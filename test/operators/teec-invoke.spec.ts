import { Subject, of, toArray, firstValueFrom } from 'rxjs';
import { Context, ReturnCode, ReturnOrigin, TeecError, TeecOverflowError, TeecStreamError, valueInput } from '../../src/core';
import { fromDataProvider, pullFrom, teecInvoke, type ChunkLease } from '../../src/operators';
import { FakeBackend, fail } from '../../src/testing';
import { createMarbles } from '../support/async-marbles';

const TA = '11111111-2222-3333-4444-555555555555';
const XOR = 1;
const FAIL_AT_INDEX = 2;

/**
 * A fake TA: XORs its memref in place (or into the output memref), one command at a time. Each
 * invoke takes `invokeChars`, or `invokeChars(n)` for the n-th invoke (0-based, in dispatch order).
 */
async function setup(invokeChars: number | ((n: number) => number) = 3) {
  const m = createMarbles();
  let dispatched = 0;
  const charsOf = typeof invokeChars === 'number' ? () => invokeChars : invokeChars;
  const fake = new FakeBackend({ latency: ({ op }) => (op === 'invoke' ? m.sleep(charsOf(dispatched++)) : Promise.resolve()) });
  let invokes = 0;
  fake.addTa(TA, {
    invoke(call) {
      invokes++;
      const [p0, p1, p2] = call.params;
      if (call.command === FAIL_AT_INDEX && p2.a === 1) fail(ReturnCode.TEEC_ERROR_BAD_PARAMETERS);
      const out = p1.data && p1.type === 0xe ? p1 : p0;
      for (let i = 0; i < p0.size; i++) out.data![i] = p0.data![i] ^ 0xff;
      out.size = p0.size;
    },
  });
  const ctx = await Context.open({ backend: fake });
  const session = await ctx.openSession(TA);
  return { m, fake, ctx, session, invokes: () => invokes };
}

/** A data provider yielding `count` blocks of `size` bytes (byte value = block number), each read taking `readChars`. */
function provider(m: ReturnType<typeof createMarbles>, count: number, size: number, readChars = 1) {
  const stats = { reads: 0 };
  const source = fromDataProvider(async (block) => {
    await m.sleep(readChars);
    if (stats.reads >= count) return 0;
    block.fill(++stats.reads, 0, size);
    return size;
  });
  return { source, stats };
}

const bytes = (...v: number[]): Uint8Array => Uint8Array.from(v);

describe('teecInvoke (marbles, fake backend)', () => {
  it('depth 2 overlaps reading with the TA; outputs come in order', async () => {
    const { m, session, ctx } = await setup();
    const { source } = provider(m, 3, 2);
    const rec = m.record(source.pipe(teecInvoke(session, XOR, { blockSize: 4, depth: 2 })));
    await m.flush();
    // read 1 char, TA 3 chars: a@4, b@7 (read during a), c@10
    expect(rec.messages).toEqual(m.expected('----a--b--(c|)', { a: bytes(0xfe, 0xfe), b: bytes(0xfd, 0xfd), c: bytes(0xfc, 0xfc) }));
    await ctx.close();
  });

  it('depth 1 reads only after the previous chunk came back', async () => {
    const { m, session, ctx } = await setup();
    const { source } = provider(m, 3, 2);
    const rec = m.record(source.pipe(teecInvoke(session, XOR, { blockSize: 4, depth: 1 })));
    await m.flush();
    expect(rec.messages).toEqual(m.expected('----a---b---c|', { a: bytes(0xfe, 0xfe), b: bytes(0xfd, 0xfd), c: bytes(0xfc, 0xfc) }));
    await ctx.close();
  });

  it('never reads more than `depth` chunks ahead of the outputs', async () => {
    for (const depth of [1, 2, 3]) {
      const { m, session, ctx } = await setup(5);
      let pulled = 0;
      let emitted = 0;
      let maxAhead = 0;
      async function* chunks() {
        for (let i = 0; i < 20; i++) {
          pulled++;
          maxAhead = Math.max(maxAhead, pulled - emitted);
          yield bytes(i);
        }
      }
      const sub = pullFrom(chunks())
        .pipe(teecInvoke(session, XOR, { blockSize: 1, depth }))
        .subscribe(() => emitted++);
      await m.flush();
      expect(sub.closed).toBe(true);
      expect(emitted).toBe(20);
      expect(maxAhead).toBe(depth);
      await ctx.close();
    }
  });

  it('splits chunks larger than a block and keeps small chunks whole', async () => {
    const { m, session, ctx } = await setup(1);
    const rec = m.record(pullFrom([bytes(1, 2, 3, 4, 5), bytes(6)]).pipe(teecInvoke(session, XOR, { blockSize: 2 }), toArray()));
    await m.flush();
    const out = rec.messages[0].notification.value as Uint8Array[];
    expect(out.map((c) => [...c].map((x) => x ^ 0xff))).toEqual([[1, 2], [3, 4], [5], [6]]);
    await ctx.close();
  });

  it('separate input/output blocks and extra value params (chunk counter)', async () => {
    const { m, session, ctx, fake } = await setup(1);
    const seen: number[] = [];
    fake.addTa(TA, {
      invoke(call) {
        seen.push(call.params[2].a);
        const [input, output] = call.params;
        for (let i = 0; i < input.size; i++) output.data![i] = input.data![i] + 1;
        output.size = input.size;
      },
    });
    const s2 = await ctx.openSession(TA);
    const rec = m.record(
      pullFrom([bytes(1), bytes(2, 3)]).pipe(
        teecInvoke(s2, XOR, { blockSize: 4, layout: 'separate', params: (chunk, io) => [io.input, io.output, valueInput(chunk.index, chunk.offset)] }),
        toArray(),
      ),
    );
    await m.flush();
    expect((rec.messages[0].notification.value as Uint8Array[]).map((c) => [...c])).toEqual([[2], [3, 4]]);
    expect(seen).toEqual([0, 1]);
    await ctx.close();
    void session;
  });

  it('a TA error stops the stream with one TeecStreamError naming the chunk, and frees the blocks', async () => {
    const { m, session, ctx, fake } = await setup(1);
    const rec = m.record(
      pullFrom([bytes(1), bytes(2), bytes(3), bytes(4)]).pipe(
        teecInvoke(session, FAIL_AT_INDEX, { blockSize: 1, depth: 2, params: (c, io) => [io.input, io.output, valueInput(c.index === 1 ? 1 : 0, 0)] }),
      ),
    );
    await m.flush();
    const kinds = rec.messages.map((x) => x.notification.kind);
    expect(kinds).toEqual(['N', 'E']);
    const err = rec.messages[1].notification.error as TeecStreamError;
    expect(err).toBeInstanceOf(TeecStreamError);
    expect(err).toBeInstanceOf(TeecError);
    expect(err.chunkIndex).toBe(1);
    expect(err.chunkOffset).toBe(1);
    expect(err.code).toBe(ReturnCode.TEEC_ERROR_BAD_PARAMETERS);
    expect(err.origin).toBe(ReturnOrigin.TRUSTED_APP);
    expect(fake.open.sharedMemory).toBe(0);
    await ctx.close();
  });

  it('unsubscribing mid-stream cancels the command in flight and releases the blocks after it returns', async () => {
    const { m, session, ctx, fake } = await setup(3);
    const { source, stats } = provider(m, 100, 4);
    const rec = m.record(source.pipe(teecInvoke(session, XOR, { blockSize: 4, depth: 2 })), 5);
    await m.flush();
    expect(rec.messages.map((x) => x.notification.kind)).toEqual(['N']);
    expect(stats.reads).toBeLessThanOrEqual(4);
    const ops = fake.log.map((e) => e.op);
    expect(ops).toContain('cancel');
    // Each block is released only after the last command that used it returned.
    for (const [i, e] of fake.log.entries()) {
      if (e.op !== 'release') continue;
      const lastUse = fake.log.findLastIndex((x) => x.op === 'invoked' && x.shms.includes(e.shm));
      const firstUse = fake.log.findIndex((x) => x.op === 'invoke' && x.shms.includes(e.shm));
      expect(lastUse).toBeLessThan(i);
      expect(fake.log.filter((x, j) => j < i && x.op === 'invoke' && x.shms.includes(e.shm)).length).toBe(
        fake.log.filter((x, j) => j < i && x.op === 'invoked' && x.shms.includes(e.shm)).length,
      );
      expect(firstUse).toBeGreaterThanOrEqual(0);
    }
    expect(fake.open.sharedMemory).toBe(0);
    expect(ctx.children).toEqual({ sessions: 1, sharedMemory: 0 });
    await ctx.close();
  });

  it('a source error stops the pipeline with that error', async () => {
    const { m, session, ctx, fake } = await setup(1);
    const boom = new Error('disk on fire');
    async function* chunks() {
      yield bytes(1);
      throw boom;
    }
    const rec = m.record(pullFrom(chunks()).pipe(teecInvoke(session, XOR, { blockSize: 4 })));
    await m.flush();
    expect(rec.messages.at(-1)!.notification).toEqual({ kind: 'E', value: undefined, error: boom });
    expect(fake.open.sharedMemory).toBe(0);
    await ctx.close();
  });

  it('a push source is bounded: overflow past the high-water mark is a TeecOverflowError', async () => {
    const { m, session, ctx, fake } = await setup(3);
    const hot = m.hot('-abcdefgh', Object.fromEntries([...'abcdefgh'].map((k, i) => [k, bytes(i)])));
    const rec = m.record(hot.pipe(teecInvoke(session, XOR, { blockSize: 1, depth: 1, highWaterMark: 2 })));
    await m.flush();
    // a goes to the TA at 1; b, c wait; d overflows at 4
    expect(rec.messages).toEqual(m.expected('----#', undefined, new TeecOverflowError(2)));
    expect(rec.messages[0].notification.error).toBeInstanceOf(TeecOverflowError);
    expect(fake.open.sharedMemory).toBe(0);
    await ctx.close();
  });

  it('a push source within its high-water mark streams to the end', async () => {
    const { m, session, ctx } = await setup(1);
    const subject = new Subject<Uint8Array>();
    const rec = m.record(subject.pipe(teecInvoke(session, XOR, { blockSize: 1, depth: 2, highWaterMark: 4 }), toArray()));
    for (let i = 0; i < 4; i++) subject.next(bytes(i));
    subject.complete();
    await m.flush();
    expect((rec.messages[0].notification.value as Uint8Array[]).map((c) => c[0] ^ 0xff)).toEqual([0, 1, 2, 3]);
    await ctx.close();
  });

  it('leases hold their block until released: the consumer paces the producer', async () => {
    const { m, session, ctx, fake } = await setup(1);
    const { source, stats } = provider(m, 5, 1, 0);
    const leases: ChunkLease[] = [];
    const seen: number[][] = [];
    let completed = false;
    source.pipe(teecInvoke(session, XOR, { blockSize: 1, depth: 2, output: 'lease' })).subscribe({
      next: (l) => {
        leases.push(l);
        seen.push([l.chunk.index, l.data[0] ^ 0xff]); // a lease's bytes are valid until it is released
      },
      complete: () => (completed = true),
    });
    await m.flush();
    // Nothing released yet: exactly `depth` chunks were read and handed out, then the pipeline waits.
    expect(stats.reads).toBe(2);
    expect(leases.map((l) => l.data[0] ^ 0xff)).toEqual([1, 2]);
    leases[0].release();
    leases[0].release(); // idempotent
    await m.flush();
    expect(stats.reads).toBe(3);
    expect(leases).toHaveLength(3);
    while (!completed) {
      leases.find((l) => !(l as { done?: boolean }).done && ((l as { done?: boolean }).done = true))!.release();
      await m.flush();
    }
    expect(seen).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
    // Completed, but blocks stay until the last lease is back.
    expect(fake.open.sharedMemory).toBe(2);
    leases.forEach((l) => l.release());
    await m.flush();
    expect(fake.open.sharedMemory).toBe(0);
    await ctx.close();
  });

  it('reserve leaves room after each chunk for the TA to grow it (e.g. a tag)', async () => {
    const { m, ctx, fake } = await setup(1);
    fake.addTa(TA, {
      invoke(call) {
        const [p0] = call.params;
        const n = p0.size - 2; // the chunk, then the 2 reserved bytes
        p0.data![n] = 0xaa;
        p0.data![n + 1] = n;
        p0.size = n + 2;
      },
    });
    const s2 = await ctx.openSession(TA);
    const rec = m.record(pullFrom([bytes(1, 2, 3, 4, 5), bytes(6)]).pipe(teecInvoke(s2, XOR, { blockSize: 4, reserve: 2 }), toArray()));
    await m.flush();
    expect((rec.messages[0].notification.value as Uint8Array[]).map((c) => [...c])).toEqual([
      [1, 2, 0xaa, 2],
      [3, 4, 0xaa, 2],
      [5, 0xaa, 1],
      [6, 0xaa, 1],
    ]);
    expect(() => teecInvoke(s2, XOR, { blockSize: 4, reserve: 4 })).toThrow(/options\.reserve/);
    await ctx.close();
  });

  it('coalesce fills every block completely, joining and splitting source chunks', async () => {
    const { m, session, ctx } = await setup(1);
    const sizes: number[] = [];
    const rec = m.record(
      pullFrom([bytes(1), bytes(2, 3), bytes(4, 5, 6, 7, 8), bytes(9)]).pipe(
        teecInvoke(session, XOR, { blockSize: 3, coalesce: true, params: (c, io) => (sizes.push(c.length), [io.input]) }),
        toArray(),
      ),
    );
    await m.flush();
    expect((rec.messages[0].notification.value as Uint8Array[]).map((c) => [...c].map((x) => x ^ 0xff))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(sizes).toEqual([3, 3, 3]);
    await ctx.close();
  });

  it('temp memory mode needs no shared memory at all', async () => {
    const { m, session, ctx, fake } = await setup(1);
    const rec = m.record(of(bytes(1, 2), bytes(3)).pipe(teecInvoke(session, XOR, { blockSize: 2, memory: 'temp' }), toArray()));
    await m.flush();
    expect((rec.messages[0].notification.value as Uint8Array[]).map((c) => [...c])).toEqual([[0xfe, 0xfd], [0xfc]]);
    expect(fake.log.filter((e) => e.op === 'allocate')).toHaveLength(0);
    await ctx.close();
  });

  it('caller blocks (options.blocks) are reused across subscriptions: no allocation, never released by the pipeline', async () => {
    const { m, session, ctx, fake } = await setup(1);
    const blocks = [ctx.allocateSharedMemory(4), ctx.allocateSharedMemory(4)];
    const allocations = () => fake.log.filter((e) => e.op === 'allocate').length;
    const before = allocations();
    for (let run = 0; run < 2; run++) {
      const rec = m.record(of(bytes(1, 2, 3, 4, 5), bytes(6)).pipe(teecInvoke(session, XOR, { blocks }), toArray()));
      await m.flush();
      expect((rec.messages[0].notification.value as Uint8Array[]).map((c) => [...c])).toEqual([[0xfe, 0xfd, 0xfc, 0xfb], [0xfa], [0xf9]]);
    }
    expect(allocations()).toBe(before);
    expect(fake.log.filter((e) => e.op === 'release')).toHaveLength(0);
    expect(blocks.every((b) => !b.released)).toBe(true);
    expect(ctx.children.sharedMemory).toBe(2);
    await ctx.close();
  });

  it('a caller block serves one subscription at a time; it is lent again once the first stream ended', async () => {
    const { m, session, ctx } = await setup(3);
    const blocks = [ctx.allocateSharedMemory(4)];
    const { source } = provider(m, 3, 4);
    const first = m.record(source.pipe(teecInvoke(session, XOR, { blocks }), toArray()));
    const second = m.record(of(bytes(1)).pipe(teecInvoke(session, XOR, { blocks })));
    await m.flush();
    expect(first.messages[0].notification.kind).toBe('N');
    expect(second.messages[0].notification.kind).toBe('E');
    expect(String(second.messages[0].notification.error)).toMatch(/options\.blocks\[0\] is in use by another teecInvoke subscription/);
    const third = m.record(of(bytes(1)).pipe(teecInvoke(session, XOR, { blocks }), toArray()));
    await m.flush();
    expect((third.messages[0].notification.value as Uint8Array[]).map((c) => [...c])).toEqual([[0xfe]]);
    await ctx.close();
  });

  it('after an unsubscribe, caller blocks are lent again only once the cancelled command returned', async () => {
    const { m, session, ctx } = await setup(5);
    const blocks = [ctx.allocateSharedMemory(4), ctx.allocateSharedMemory(4)];
    const { source } = provider(m, 100, 4);
    m.record(source.pipe(teecInvoke(session, XOR, { blocks })), 3);
    await m.flush(3);
    expect(blocks[0].inFlight.size + blocks[1].inFlight.size).toBeGreaterThan(0);
    // Straight after the unsubscribe the command is still at the TA: the blocks are not free yet.
    const early = m.record(of(bytes(1)).pipe(teecInvoke(session, XOR, { blocks })));
    await m.flush();
    expect(early.messages[0].notification.kind).toBe('E');
    const later = m.record(of(bytes(1)).pipe(teecInvoke(session, XOR, { blocks }), toArray()));
    await m.flush();
    expect(later.messages[0].notification.kind).toBe('N');
    await ctx.close();
  });

  it('rejects bad caller blocks with errors naming them', async () => {
    const { session, ctx } = await setup();
    const other = await Context.open({ backend: new FakeBackend() });
    const inout = ctx.allocateSharedMemory(8);
    const inputOnly = ctx.allocateSharedMemory(8, 1);
    const released = ctx.allocateSharedMemory(8);
    await released.release();
    expect(() => teecInvoke(session, XOR, { blocks: [] })).toThrow(/options\.blocks/);
    expect(() => teecInvoke(session, XOR, { blocks: [{} as never] })).toThrow(/options\.blocks\[0\].*SharedMemory/);
    expect(() => teecInvoke(session, XOR, { blocks: [inout, inputOnly] })).toThrow(/options\.blocks\[1\].*INOUT/);
    expect(() => teecInvoke(session, XOR, { blocks: [inout, inout] })).toThrow(/options\.blocks\[1\].*more than once/);
    expect(() => teecInvoke(session, XOR, { blocks: [released] })).toThrow(/options\.blocks\[0\] was released/);
    expect(() => teecInvoke(session, XOR, { blocks: [inout], depth: 2 })).toThrow(/options\.depth.*blocks\.length/);
    expect(() => teecInvoke(session, XOR, { blocks: [inout], blockSize: 16 })).toThrow(/options\.blockSize.*8 bytes/);
    expect(() => teecInvoke(session, XOR, { blocks: [inout], layout: 'separate' })).toThrow(/options\.blocks.*inplace/);
    expect(() => teecInvoke(session, XOR, { blocks: [inout], memory: 'temp' })).toThrow(/options\.blocks.*temp/);
    const foreign = other.allocateSharedMemory(8);
    await expect(firstValueFrom(of(bytes(1)).pipe(teecInvoke(session, XOR, { blocks: [foreign] })))).rejects.toThrow(/options\.blocks\[0\] belongs to another context/);
    await other.close();
    await ctx.close();
  });

  /** Streams 3 chunks at depth 2 where the first chunk's call takes 6 chars and the others 1. */
  async function firstChunkSlow(ordered: boolean | undefined) {
    const { m, fake, ctx, session } = await setup((n) => (n === 0 ? 6 : 1));
    const { source } = provider(m, 3, 2);
    const rec = m.record(source.pipe(teecInvoke(session, XOR, { blockSize: 4, depth: 2, ordered })));
    await m.flush();
    await ctx.close();
    const invokes = fake.log.flatMap((e) => (e.op === 'invoke' ? [e] : []));
    return {
      values: rec.messages.filter((n) => n.notification.kind === 'N').map((n) => Array.from(n.notification.value as Uint8Array)),
      completed: rec.messages.at(-1)?.notification.kind === 'C',
      unorderedFlags: invokes.map((e) => e.unordered),
      /** Chunk numbers (by dispatch order) in the order the TA finished them. */
      finished: fake.log.flatMap((e) => (e.op === 'invoked' ? [invokes.findIndex((i) => i.shms[0] === e.shms[0])] : [])),
    };
  }
  const inOrder = [[0xfe, 0xfe], [0xfd, 0xfd], [0xfc, 0xfc]];

  it('ordered: false sends chunks unordered and still emits them in stream order', async () => {
    const r = await firstChunkSlow(false);
    expect(r.values).toEqual(inOrder);
    expect(r.completed).toBe(true);
    expect(r.unorderedFlags).toEqual([true, true, true]);
    expect(r.finished.slice(0, 2)).toEqual([1, 0]); // the second chunk finished first
  });

  it('ordered: false: a chunk that fails while an earlier one still runs surfaces after that one is emitted', async () => {
    const { m, fake, session, ctx } = await setup((n) => (n === 0 ? 6 : 1));
    const rec = m.record(
      pullFrom([bytes(1), bytes(2), bytes(3)]).pipe(
        teecInvoke(session, FAIL_AT_INDEX, { blockSize: 1, depth: 2, ordered: false, params: (c, io) => [io.input, io.output, valueInput(c.index === 1 ? 1 : 0, 0)] }),
      ),
    );
    await m.flush();
    expect(rec.messages.map((x) => x.notification.kind)).toEqual(['N', 'E']);
    expect([...(rec.messages[0].notification.value as Uint8Array)]).toEqual([1 ^ 0xff]);
    expect((rec.messages[1].notification.error as TeecStreamError).chunkIndex).toBe(1);
    // Sent unordered, the second chunk failed at frame 1 and was held until the first (6 frames)
    // was emitted; in order it would only have started at frame 6 and failed at 7.
    expect(fake.log.flatMap((e) => (e.op === 'invoke' ? [e.unordered] : []))).toEqual([true, true]);
    expect(rec.messages[1].frame).toBe(rec.messages[0].frame);
    await ctx.close();
  });

  it('ordered (the default) sends every chunk in stream order: a slow chunk holds back the next', async () => {
    const r = await firstChunkSlow(undefined);
    expect(r.values).toEqual(inOrder);
    expect(r.unorderedFlags).toEqual([undefined, undefined, undefined]);
    expect(r.finished.slice(0, 2)).toEqual([0, 1]);
  });

  it('rejects bad options with errors naming them', async () => {
    const { session, ctx } = await setup();
    expect(() => teecInvoke(session, XOR, { ordered: 'no' as never })).toThrow(/options\.ordered/);
    expect(() => teecInvoke(session, XOR, { depth: 0 })).toThrow(/options\.depth/);
    expect(() => teecInvoke(session, XOR, { blockSize: -1 })).toThrow(/options\.blockSize/);
    expect(() => teecInvoke(session, XOR, { layout: 'sideways' as never })).toThrow(/options\.layout/);
    await expect(firstValueFrom(of(bytes(1)).pipe(teecInvoke(session, XOR, { params: () => [] })))).rejects.toThrow(/io\.output/);
    await ctx.close();
  });
});
