import {
  Context,
  ParamType,
  ReturnCode,
  ReturnOrigin,
  SharedMemoryFlags,
  TeecArgumentError,
  TeecError,
  TeecRangeError,
  TeecStateError,
  partialInout,
  tempInout,
  valueInout,
  valueInput,
  valueOutput,
  whole,
} from '../../src/core';
import { FakeBackend, fail } from '../../src/testing';

const TA = '11111111-2222-3333-4444-555555555555';

function backend(): FakeBackend {
  return new FakeBackend().addTa(TA, {
    invoke(call) {
      const [p0, p1] = call.params;
      if (call.command === 1) {
        p0.a += 1;
        p0.b += 2;
      } else if (call.command === 2) {
        for (let i = 0; i < p0.size; i++) p0.data![i] ^= 0xff;
      } else if (call.command === 3) {
        p1.size = 64;
        fail(ReturnCode.TEEC_ERROR_SHORT_BUFFER);
      } else if (call.command === 4) {
        return new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, 10_000);
          call.signal.addEventListener('abort', () => {
            clearTimeout(t);
            reject(new TeecError(ReturnCode.TEEC_ERROR_CANCEL, ReturnOrigin.TRUSTED_APP));
          });
        });
      }
    },
  });
}

describe('Context over a fake backend', () => {
  it('opens a session and writes value outputs back', async () => {
    const ctx = await Context.open({ backend: backend() });
    const s = await ctx.openSession(TA);
    const r = await s.invoke(1, [valueInout(10, 100)]);
    expect(r.params[0]).toMatchObject({ a: 11, b: 102 });
    expect(r.params[1].param.type).toBe(ParamType.NONE);
    await ctx.close();
  });

  it('keeps VALUE_INPUT as given and returns temp memref outputs in place', async () => {
    const ctx = await Context.open({ backend: backend() });
    const s = await ctx.openSession(TA);
    const buf = Buffer.from([1, 2, 3, 4]);
    const r = await s.invoke(2, [tempInout(buf.subarray(1, 3))]);
    expect([...buf]).toEqual([1, 0xfd, 0xfc, 4]);
    expect([...r.params[0].data!]).toEqual([0xfd, 0xfc]);
    const r2 = await s.invoke(1, [valueInput(5, 6)]);
    expect(r2.params[0]).toMatchObject({ a: 5, b: 6 });
    await ctx.close();
  });

  it('reports SHORT_BUFFER with the size the TA needs', async () => {
    const ctx = await Context.open({ backend: backend() });
    const s = await ctx.openSession(TA);
    const err = await s.invoke(3, [valueOutput(), tempInout(new Uint8Array(4))]).catch((e) => e);
    expect(err).toBeInstanceOf(TeecError);
    expect(err.codeName).toBe('TEEC_ERROR_SHORT_BUFFER');
    expect(err.originName).toBe('TRUSTED_APP');
    expect(err.requiredSize).toBe(64);
    await ctx.close();
  });

  it('refuses an unknown TA with ITEM_NOT_FOUND from the TEE', async () => {
    const ctx = await Context.open({ backend: backend() });
    await expect(ctx.openSession('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      code: ReturnCode.TEEC_ERROR_ITEM_NOT_FOUND,
      origin: ReturnOrigin.TEE,
    });
    await ctx.close();
  });

  it('names the bad argument', async () => {
    const ctx = await Context.open({ backend: backend() });
    await expect(ctx.openSession('not-a-uuid')).rejects.toThrow(TeecArgumentError);
    await expect(ctx.openSession('not-a-uuid')).rejects.toThrow(/^uuid /);
    const s = await ctx.openSession(TA);
    await expect(s.invoke(-1)).rejects.toThrow(TeecRangeError);
    await expect(s.invoke(1.5)).rejects.toThrow(/command must be an integer/);
    await expect(s.invoke(1, [valueInput(2 ** 32, 0)])).rejects.toThrow(/params\[0\]\.a/);
    await expect(s.invoke(1, new Array(5).fill(valueInput(1)))).rejects.toThrow(/at most 4/);
    await expect(s.invoke(1, [{ type: 4 } as never])).rejects.toThrow(/params\[0\]\.type/);
    const shm = ctx.allocateSharedMemory(16);
    await expect(s.invoke(1, [partialInout(shm, 8, 9)])).rejects.toThrow(/exceeds the shared memory size 16/);
    await expect(s.invoke(1, [partialInout(shm, 2 ** 60, 1)])).rejects.toThrow(TeecRangeError);
    expect(() => ctx.allocateSharedMemory(-1)).toThrow(/size/);
    expect(() => ctx.allocateSharedMemory(1.5)).toThrow(/size/);
    expect(() => ctx.allocateSharedMemory(8, 0)).toThrow(/flags/);
    expect(() => ctx.allocateSharedMemory(8, 4)).toThrow(/flags/);
    expect(() => ctx.registerSharedMemory(42 as never)).toThrow(/buffer/);
    await ctx.close();
  });

  it('refuses calls on closed sessions, released memory and closed contexts with origin API', async () => {
    const ctx = await Context.open({ backend: backend() });
    const s = await ctx.openSession(TA);
    const shm = ctx.allocateSharedMemory(8);
    await shm.release();
    await expect(s.invoke(2, [whole(shm)])).rejects.toThrow(TeecStateError);
    expect(() => shm.buffer).toThrow(TeecStateError);
    await s.close();
    const err = await s.invoke(1).catch((e) => e);
    expect(err).toBeInstanceOf(TeecStateError);
    expect(err.origin).toBe(ReturnOrigin.API);
    await s.close(); // twice is fine
    await ctx.close();
    await ctx.close();
    expect(() => ctx.allocateSharedMemory(8)).toThrow(TeecStateError);
    await expect(ctx.openSession(TA)).rejects.toThrow(TeecStateError);
  });

  it('closes children before finalizing, cancelling calls in flight first', async () => {
    const fake = backend();
    const ctx = await Context.open({ backend: fake });
    const s = await ctx.openSession(TA);
    const shm = ctx.allocateSharedMemory(32, SharedMemoryFlags.INOUT);
    const waiting = s.invoke(4, [whole(shm)]);
    await ctx.close();
    await expect(waiting).rejects.toMatchObject({ code: ReturnCode.TEEC_ERROR_CANCEL });
    const ops = fake.log.map((e) => e.op);
    expect(ops.indexOf('cancel')).toBeLessThan(ops.indexOf('invoked'));
    expect(ops.indexOf('invoked')).toBeLessThan(ops.indexOf('closeSession'));
    expect(ops.indexOf('closeSession')).toBeLessThan(ops.indexOf('finalizeContext'));
    expect(ops.indexOf('release')).toBeLessThan(ops.indexOf('finalizeContext'));
    expect(fake.open).toEqual({ contexts: 0, sessions: 0, sharedMemory: 0 });
  });

  it('releasing shared memory waits for the call that uses it', async () => {
    const fake = backend();
    const ctx = await Context.open({ backend: fake });
    const s = await ctx.openSession(TA);
    const shm = ctx.allocateSharedMemory(32);
    const waiting = s.invoke(4, [whole(shm)]);
    await shm.release();
    const ops = fake.log.map((e) => e.op);
    expect(ops.indexOf('invoked')).toBeLessThan(ops.indexOf('release'));
    await expect(waiting).rejects.toMatchObject({ isCancel: true });
    await ctx.close();
  });

  it('cancels a call before it starts when the signal is already aborted', async () => {
    const fake = backend();
    const ctx = await Context.open({ backend: fake });
    const s = await ctx.openSession(TA);
    const ac = new AbortController();
    ac.abort();
    await expect(s.invoke(1, [valueInout(1, 1)], { signal: ac.signal })).rejects.toMatchObject({
      code: ReturnCode.TEEC_ERROR_CANCEL,
      origin: ReturnOrigin.API,
    });
    expect(fake.log.filter((e) => e.op === 'invoke')).toHaveLength(0);
    await ctx.close();
  });

  it("gives the fake backend's latency each invoke's parameters as the backend got them", async () => {
    const seen: unknown[] = [];
    const fake = new FakeBackend({
      latency: async (what) => {
        seen.push(what);
      },
    }).addTa(TA, { invoke() {} });
    const ctx = await Context.open({ backend: fake });
    const s = await ctx.openSession(TA);
    await s.invoke(9, [valueInput(5, 6), tempInout(new Uint8Array(3))]);
    await s.invoke(8);
    expect(seen).toEqual([
      { op: 'open' },
      { op: 'invoke', command: 9, params: [{ type: ParamType.VALUE_INPUT, a: 5, b: 6 }, { type: ParamType.MEMREF_TEMP_INOUT, buffer: new Uint8Array(3) }] },
      { op: 'invoke', command: 8, params: null },
    ]);
    await ctx.close();
  });
});
