/**
 * The core's cheap per-call path over the native backend: no AbortController per call, signals
 * shared per owner (and combined per tuple of signals), one listener per signal. These check
 * what that must not change: a caller's signal cancels only its own call, closing and releasing
 * still cancel what is queued, and nothing stays registered after calls settle.
 */
import { Context, partialInout, valueInput, type Session, type SharedMemory } from '../../src/core';
import { ReturnCode as RC, ReturnOrigin as O } from '../../src/core/constants';
import { fanoutSize, type InFlight } from '../../src/core/in-flight';
import { TeecArgumentError, TeecRangeError } from '../../src/core/errors';
import { loadAddon } from '../../src/core/native/addon';
import { CONF, PrivateSim, settled, until } from '../support/simulator';

const sim = new PrivateSim();
let ctx: Context;

beforeAll(async () => {
  ctx = await Context.open({ backend: sim.backend() });
});
afterAll(async () => {
  await ctx.close();
  sim.stop();
});

const inFlightOf = (x: Session | SharedMemory): InFlight => (x as unknown as { inFlight: InFlight }).inFlight;
const waitMasked = (s: Session, ms: number, signal?: AbortSignal) => s.invoke(CONF.CONF_CMD_WAIT_MASKED, [valueInput(ms, 0)], { signal });

describe('core call path on the native backend', () => {
  it('cancels only the call whose own signal aborts, among calls sharing a session and a block', async () => {
    const s = await ctx.openSession(CONF.uuid.multi);
    const shm = ctx.allocateSharedMemory(4096);
    const running = waitMasked(s, 200);
    const controllers = Array.from({ length: 6 }, () => new AbortController());
    const queued = controllers.map((c) => settled(s.invoke(CONF.CONF_CMD_TOUCH, [partialInout(shm, 0, 4096)], { signal: c.signal })));
    controllers[3].abort();
    await running;
    const results = await Promise.all(queued);
    results.forEach((r, i) => {
      if (i === 3) expect(r.ok || [r.error.code, r.error.origin]).toEqual([RC.TEEC_ERROR_CANCEL, O.API]);
      else expect(r.ok).toBe(true);
    });
    // Five TOUCHes ran: every byte went up by five.
    expect(shm.buffer.every((b) => b === 5)).toBe(true);
    // Nothing stays registered once the calls settled.
    expect(fanoutSize(inFlightOf(s).signal)).toBe(0);
    expect(fanoutSize(inFlightOf(shm).signal)).toBe(0);
    expect(s.pending).toBe(0);
    await shm.release();
    await s.close();
  });

  it('leaves no registration behind after many calls with fresh caller signals', async () => {
    const s = await ctx.openSession(CONF.uuid.multi);
    const shm = ctx.allocateSharedMemory(64);
    // While a call with a caller signal is in flight, it listens (through one combined signal).
    const first = s.invoke(CONF.CONF_CMD_NOP, [partialInout(shm, 0, 64)], { signal: new AbortController().signal });
    expect(fanoutSize(inFlightOf(shm).signal)).toBe(1);
    await first;
    for (let i = 0; i < 500; i++) await s.invoke(CONF.CONF_CMD_NOP, [partialInout(shm, 0, 64)], { signal: new AbortController().signal });
    await Promise.all(Array.from({ length: 200 }, () => s.invoke(CONF.CONF_CMD_NOP, null, { signal: new AbortController().signal })));
    expect(fanoutSize(inFlightOf(s).signal)).toBe(0);
    expect(fanoutSize(inFlightOf(shm).signal)).toBe(0);
    await shm.release();
    await s.close();
  });

  it('session.close cancels the running call and the queue; releasing a block cancels the calls queued on it', async () => {
    const s = await ctx.openSession(CONF.uuid.multi);
    const shm = ctx.allocateSharedMemory(64);
    const other = ctx.allocateSharedMemory(64);
    // The running call bumps a marker byte in the TA, then waits masked: once the byte is 1 the
    // call is in the TA (else a loaded machine could let close cancel it while it still queues).
    const marker = ctx.allocateSharedMemory(1);
    const running = settled(s.invoke(CONF.CONF_CMD_TOUCH, [partialInout(marker, 0, 1), valueInput(800, 0)]));
    const onShm = Array.from({ length: 3 }, () => settled(s.invoke(CONF.CONF_CMD_TOUCH, [partialInout(shm, 0, 64)])));
    const onOther = settled(s.invoke(CONF.CONF_CMD_TOUCH, [partialInout(other, 0, 64)]));
    await until(() => marker.buffer[0] === 1, 10_000, 'the running call to enter the TA');
    await shm.release(); // cancels the three queued behind the wait, waits for nothing else
    for (const r of await Promise.all(onShm)) expect(r.ok || [r.error.code, r.error.origin]).toEqual([RC.TEEC_ERROR_CANCEL, O.API]);
    const queuedAfter = Array.from({ length: 3 }, () => settled(s.invoke(CONF.CONF_CMD_NOP)));
    await s.close();
    expect((await running).ok).toBe(true); // masked: it ran to completion
    const o = await onOther;
    expect(o.ok || [o.error.code, o.error.origin]).toEqual([RC.TEEC_ERROR_CANCEL, O.API]);
    for (const r of await Promise.all(queuedAfter)) expect(r.ok || [r.error.code, r.error.origin]).toEqual([RC.TEEC_ERROR_CANCEL, O.API]);
    expect(s.pending).toBe(0);
    await other.release();
    await marker.release();
  });

  it('a block released and a new one allocated: calls on the new one are not born cancelled', async () => {
    const s = await ctx.openSession(CONF.uuid.multi);
    for (let i = 0; i < 3; i++) {
      const shm = ctx.allocateSharedMemory(64);
      await s.invoke(CONF.CONF_CMD_TOUCH, [partialInout(shm, 0, 64)]);
      await shm.release();
    }
    await s.close();
  });
});

describe('invokeFast (parameters laid out by TypeScript)', () => {
  it('throws exactly what the full parser throws for well-shaped but invalid parameters', async () => {
    const addon = loadAddon();
    const backend = ctx.backend;
    const s = await ctx.openSession(CONF.uuid.multi);
    const other = await Context.open({ backend });
    const shm = ctx.allocateSharedMemory(64);
    const foreign = other.allocateSharedMemory(64);
    const cases: unknown[][] = [
      [{ type: 0xd, shm: shm.handle, offset: 65, size: 0 }],
      [{ type: 0xf, shm: shm.handle, offset: 10, size: 60 }],
      [null, { type: 0xe, shm: foreign.handle, offset: 0, size: 1 }],
      [{ type: 0xc, shm: { size: 64 } }],
      [{ type: 0xc, shm: s.handle }],
      [{ type: 0x1, a: 1, b: 2 }, { type: 0x5, buffer: new Uint8Array(4) }, { type: 0xd, shm: shm.handle, offset: 64, size: 1 }],
    ];
    const describeError = (f: () => unknown): string => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return `${(e as Error).constructor.name}: ${(e as Error).message}`;
      }
    };
    for (const params of cases) {
      const viaBackend = await backend.invokeCommand(s.handle, CONF.CONF_CMD_NOP, params as never).then(
        () => 'no error',
        (e: Error) => `${e.constructor.name}: ${e.message}`,
      );
      const viaFullParser = describeError(() => addon.invokeCommand(s.handle, CONF.CONF_CMD_NOP, params as never, false));
      expect(viaBackend).toBe(viaFullParser);
      expect(viaBackend).not.toBe('no error');
    }
    await other.close();
    await shm.release();
    await s.close();
  });
});

/** What f throws (undefined if it returns). */
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('the paramTypes word of invokeFast', () => {
  it('is a RangeError naming types when it has bits above the four 4-bit types', async () => {
    const addon = loadAddon();
    const s = await ctx.openSession(CONF.uuid.multi);
    const before = addon.stats().callsInFlight;
    for (const types of [0x10000, 0x10001, 0xffffffff]) {
      const error = thrown(() => addon.invokeFast(s.handle, CONF.CONF_CMD_NOP, types, null, null, null, null, false));
      expect(error).toBeInstanceOf(TeecRangeError);
      expect((error as TeecRangeError).argument).toBe('types');
      expect((error as Error).message).toBe(`types must be a GP paramTypes word (0..65535), got ${types}`);
    }
    expect(addon.stats().callsInFlight).toBe(before);
    await s.close();
  });
});

describe('flag arguments of the raw addon', () => {
  const expectFlagError = (e: unknown, argument: string): void => {
    expect(e).toBeInstanceOf(TeecArgumentError);
    expect(e).toBeInstanceOf(TypeError);
    expect((e as TeecArgumentError).argument).toBe(argument);
    expect((e as Error).message).toMatch(new RegExp(`^${argument} must be a boolean, got `));
  };

  it('invokeCommand and invokeFast throw a TypeError naming a non-boolean cancellable or unordered', async () => {
    const addon = loadAddon();
    const s = await ctx.openSession(CONF.uuid.multi);
    const before = addon.stats().callsInFlight;
    expectFlagError(thrown(() => addon.invokeCommand(s.handle, CONF.CONF_CMD_NOP, null, 'yes' as never)), 'cancellable');
    expectFlagError(thrown(() => addon.invokeCommand(s.handle, CONF.CONF_CMD_NOP, null, false, 1 as never)), 'unordered');
    expectFlagError(thrown(() => addon.invokeFast(s.handle, CONF.CONF_CMD_NOP, 0, null, null, null, null, {} as never)), 'cancellable');
    expectFlagError(thrown(() => addon.invokeFast(s.handle, CONF.CONF_CMD_NOP, 0, null, null, null, null, false, 'no' as never)), 'unordered');
    expect(addon.stats().callsInFlight).toBe(before);
    // null and undefined still mean false.
    expect(typeof addon.invokeCommand(s.handle, CONF.CONF_CMD_NOP, null, null as never, undefined)).toBe('number');
    expect(typeof addon.invokeFast(s.handle, CONF.CONF_CMD_NOP, 0, null, null, null, null, undefined as never, null as never)).toBe('number');
    await s.close();
  });

  it('openSession throws a TypeError naming a non-boolean cancellable, and admits no call', async () => {
    const addon = loadAddon();
    const before = addon.stats().callsInFlight;
    const callback = jest.fn();
    expectFlagError(thrown(() => addon.openSession(ctx.handle, CONF.uuid.multi, 0, null, null, callback, 'yes' as never)), 'cancellable');
    expect(addon.stats().callsInFlight).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(callback).not.toHaveBeenCalled();
  });
});
