/**
 * Native resources on the real simulator: garbage collection of dropped handles releases them
 * (seen from the daemon and the addon), and thousands of sessions leak no descriptors or memory.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ParamType as T, ReturnCode as RC, ReturnOrigin as O, SharedMemoryFlags as F } from '../../src/core/constants';
import type { ContextHandle } from '../../src/core/backend';
import { forceCopySharedMemory, setWorkerPoolOptions, type NativeBackend } from '../../src/core/native';
import { addonPath } from '../../src/core/native/addon';
import { bundledSimulatorLibrary } from '../../src/core/native/select';
import { CONF, PrivateSim, addonUnderAsan, occupyWorkerPool, openFds, settled, until } from '../support/simulator';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const sim = new PrivateSim();
let backend: NativeBackend;

beforeAll(() => {
  backend = sim.backend();
});
afterAll(() => sim.stop());

/**
 * Runs `times` GCs with a turn of the event loop (`ms`) after each, so that finalizers run and
 * freed ArrayBuffers are swept.
 */
async function gcTurns(times = 5, ms = 10): Promise<void> {
  for (let i = 0; i < times; i++) {
    gc();
    await new Promise((r) => setTimeout(r, ms));
  }
}

async function collect(predicate: () => boolean, what: string): Promise<void> {
  await until(
    () => {
      gc();
      return predicate();
    },
    10000,
    what,
  );
}

/**
 * A context whose handle the caller can drop: `take()` hands it over once, `collected()` says
 * whether GC has collected it since. Made in a function of its own: an async test function
 * keeps values it awaited in its saved registers, and with them the handle.
 */
async function droppableContext(): Promise<{ take(): ContextHandle; collected(): boolean; registry: FinalizationRegistry<void> }> {
  let context: ContextHandle | undefined = await backend.initializeContext(null);
  let collected = false;
  const registry = new FinalizationRegistry<void>(() => (collected = true));
  registry.register(context, undefined);
  return {
    take() {
      const taken = context!;
      context = undefined;
      return taken;
    },
    collected: () => collected,
    registry, // a registry that is itself collected calls back no one
  };
}

/**
 * Opens a session on the dropped context while the open has to wait for a thread, checks the
 * pending open keeps the handle alive, aborts it and returns its code and origin. The error stays
 * in here: its lazily formatted stack holds the functions it passed through, and with them what
 * they closed over (the handle).
 */
async function openQueuedThenAbort(dropped: { take(): ContextHandle; collected(): boolean }): Promise<[number, number] | 'ok'> {
  const controller = new AbortController();
  const open = settled(backend.openSession(dropped.take(), CONF.uuid.multi as never, 0, null, null, controller.signal));
  await gcTurns(3, 20);
  expect(dropped.collected()).toBe(false); // the context cannot be finalized under its open
  controller.abort();
  const r = await open;
  return r.ok ? 'ok' : [r.error.code, r.error.origin];
}

describe('garbage collection as a safety net', () => {
  it('closes sessions, releases blocks and finalizes a context whose handles were dropped', async () => {
    const baseline = sim.status()?.sessions ?? 0;
    await (async () => {
      const context: ContextHandle = await backend.initializeContext(null);
      for (let i = 0; i < 5; i++) {
        const { session } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
        await backend.invokeCommand(session, CONF.CONF_CMD_NOP, null);
      }
      const shm = backend.allocateSharedMemory(context, 4096, F.INOUT);
      shm.buffer.fill(1);
      backend.registerSharedMemory(context, new Uint8Array(1024), F.INPUT);
    })();
    expect(sim.status()!.sessions).toBe(baseline + 5);
    await collect(() => sim.status()!.sessions === baseline, 'the daemon to see the sessions closed');
    await collect(() => backend.stats().contexts === 0, 'the context to be finalized');
    expect(backend.stats()).toMatchObject({ sessions: 0, sharedMemory: 0 });
  });

  it('keeps a block alive while JS still holds its buffer, then releases it', async () => {
    const context = await backend.initializeContext(null);
    let view: Uint8Array | undefined = (() => backend.allocateSharedMemory(context, 64, F.INOUT).buffer)();
    await gcTurns();
    expect(backend.stats().sharedMemory).toBe(1);
    view.fill(7); // still the live block, no crash
    view = undefined;
    await collect(() => backend.stats().sharedMemory === 0, 'the block to be released');
    await backend.finalizeContext(context);
  });

  it('lets a call on a dropped session finish before closing it', async () => {
    const context = await backend.initializeContext(null);
    const call = (async () => {
      const { session } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
      return backend.invokeCommand(session, CONF.CONF_CMD_WAIT_UNMASKED, [{ type: T.VALUE_INPUT, a: 300, b: 0 }]);
    })();
    await gcTurns(5, 20);
    await expect(call).resolves.toBeDefined(); // not cancelled by the GC close
    await collect(() => backend.stats().sessions === 0, 'the session to be closed');
    await backend.finalizeContext(context);
  });

  it('finalizes a dropped context once its queued open is cancelled', async () => {
    const holder = await backend.initializeContext(null);
    const dropped = await droppableContext();
    const blockers: Promise<unknown>[] = [];
    try {
      // Occupy every thread the pool may use, so that the open waits in the queue.
      const openHeld = async () => (await backend.openSession(holder, CONF.uuid.multi as never, 0, null, null)).session;
      blockers.push(...(await occupyWorkerPool(backend, openHeld, 1500)).waits);
      expect(await openQueuedThenAbort(dropped)).toEqual([RC.TEEC_ERROR_CANCEL, O.API]);
      await collect(() => dropped.collected() && backend.stats().contexts === 1, 'the dropped context to be finalized');
    } finally {
      setWorkerPoolOptions({ maxThreads: 512 });
      await Promise.all(blockers);
      await backend.finalizeContext(holder);
    }
  });
});

/** Transfers `buffer` away (as postMessage does) and drops the copy: its memory is freed at the next GCs. */
function transferAway(buffer: ArrayBuffer): void {
  structuredClone(buffer, { transfer: [buffer] });
}

// JS may detach a buffer the TEE uses (a transfer to a worker moves its memory to a new
// ArrayBuffer, which may be collected at once). The addon keeps the memory itself alive, as
// Node's own asynchronous APIs do; without that the calls below use freed memory (the ASan run
// of these suites reports it).
describe('memory JS transfers away while the TEE uses it', () => {
  it('a temporary memref: the call in the TA finishes and writes back into the kept memory', async () => {
    const context = await backend.initializeContext(null);
    const { session } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
    const bytes = new Uint8Array(64 * 1024).fill(1);
    const call = backend.invokeCommand(session, CONF.CONF_CMD_TOUCH, [
      { type: T.MEMREF_TEMP_INOUT, buffer: bytes },
      { type: T.VALUE_INPUT, a: 300, b: 0 },
    ]);
    await until(() => backend.stats().callsInFlight === 1, 2000, 'the call to be in flight');
    transferAway(bytes.buffer as ArrayBuffer);
    expect(bytes.byteLength).toBe(0); // detached here
    await gcTurns();
    const out = await call;
    expect(out[0]).toMatchObject({ size: 64 * 1024 });
    await backend.closeSession(session);
    await backend.finalizeContext(context);
  });

  it('a registered block: the transferred memory stays registered, and the TA still reaches it', async () => {
    const context = await backend.initializeContext(null);
    const { session } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
    const memory = new ArrayBuffer(4096);
    new Uint8Array(memory).fill(5);
    const shm = backend.registerSharedMemory(context, memory, F.INOUT);
    let moved: Uint8Array | undefined = new Uint8Array(structuredClone(memory, { transfer: [memory] }));
    expect(memory.byteLength).toBe(0);
    await backend.invokeCommand(session, CONF.CONF_CMD_TOUCH, [{ type: T.MEMREF_WHOLE, shm }]);
    expect(moved[0]).toBe(6); // the new owner sees the TA's write: it has the registered memory
    moved = undefined;
    await gcTurns();
    await backend.invokeCommand(session, CONF.CONF_CMD_TOUCH, [{ type: T.MEMREF_WHOLE, shm }]);
    await backend.releaseSharedMemory(shm);
    await backend.closeSession(session);
    await backend.finalizeContext(context);
  });

  it('an allocated block in copy mode: its JS copy outlives a transfer', async () => {
    forceCopySharedMemory(true);
    const context = await backend.initializeContext(null);
    try {
      const { session } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
      const shm = backend.allocateSharedMemory(context, 4096, F.INOUT);
      shm.buffer.fill(3);
      transferAway(shm.buffer.buffer as ArrayBuffer);
      await gcTurns();
      await backend.invokeCommand(session, CONF.CONF_CMD_TOUCH, [{ type: T.MEMREF_WHOLE, shm }]);
      await backend.releaseSharedMemory(shm);
      await backend.closeSession(session);
    } finally {
      forceCopySharedMemory(false);
      await backend.finalizeContext(context);
    }
  });

  // A resizable ArrayBuffer can be shrunk in place, and its pages go with it: no TEE call may use one.
  it('refuses resizable ArrayBuffers, and takes growable SharedArrayBuffers (they only grow)', async () => {
    const context = await backend.initializeContext(null);
    const { session } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer;
    const Growable = SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer;
    const resizable = new Resizable(16, { maxByteLength: 64 });
    expect(() => backend.registerSharedMemory(context, resizable, F.INOUT)).toThrow(TypeError);
    expect(() => backend.registerSharedMemory(context, new Uint8Array(resizable), F.INOUT)).toThrow(/buffer must not be a resizable ArrayBuffer/);
    const temp = (buffer: Uint8Array) => Promise.resolve().then(() => backend.invokeCommand(session, CONF.CONF_CMD_NOP, [{ type: T.MEMREF_TEMP_INPUT, buffer }]));
    await expect(temp(new Uint8Array(resizable))).rejects.toThrow(/params\[0\]\.buffer must not be over a resizable ArrayBuffer/);
    await expect(temp(new Uint8Array(new Growable(16, { maxByteLength: 64 })))).resolves.toBeDefined();
    await backend.closeSession(session);
    await backend.finalizeContext(context);
  });
});

// ArrayBuffer.prototype.transfer() (Node 22+) moves an allocated block's memory to an ArrayBuffer
// the addon cannot detach. After the release, that memory stays mapped (private, zero-filled, no
// longer the TA's) until the ArrayBuffer is collected; without that, touching it faults.
describe("memory JS moved off an allocated block's view", () => {
  it('is a zero-filled stand-in after release or finalize, unmapped when collected; unmoved views map nothing', () => {
    const flags = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function' ? [] : ['--harmony-rab-gsab-transfer'];
    const child = path.join(__dirname, '..', 'support', 'moved-view-child.js');
    const r = spawnSync(process.execPath, [...flags, '--expose-gc', child, addonPath(), bundledSimulatorLibrary()], {
      encoding: 'utf8',
      env: { ...process.env, RX_TEEC_SIM_SOCKET: sim.socket },
      timeout: 60000,
    });
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    const seen = JSON.parse(r.stdout);
    expect(seen.movedBeforeRelease).toEqual({ length: 65636, first: 0xab, viewLength: 0 });
    // The TA's memory is gone; what is left reads zero and takes writes.
    expect(seen.afterRelease).toEqual({ standIns: 1, sum: 0, wrote: true });
    expect(seen.unmappedOnCollect).toBe(true);
    expect(seen.afterFinalize).toEqual({ standIns: 1, sum: 0, wrote: true });
    expect(seen.finalizeUnmappedOnCollect).toBe(true);
    expect(seen.notMoved).toEqual({ standIns: 0, viewLength: 0 });
    expect(seen.collectedBeforeRelease).toEqual({ collected: true, standIns: 0 });
  });
});

// A view of an allocated block's zero-copy memory would be unmapped under a temp memref or a
// registration when the block is released: both are refused, with the way to do it instead.
describe('views of allocated shared memory', () => {
  it('are refused as temp memrefs and for registration; the block itself is the way', async () => {
    const context = await backend.initializeContext(null);
    const { session } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
    const shm = backend.allocateSharedMemory(context, 4096, F.INOUT);
    const inner = new Uint8Array(shm.buffer.buffer, 16, 32);
    for (const view of [shm.buffer, inner]) {
      expect(() => backend.registerSharedMemory(context, view, F.INOUT)).toThrow(/buffer must not be allocated shared memory/);
      await expect(Promise.resolve().then(() => backend.invokeCommand(session, CONF.CONF_CMD_TOUCH, [{ type: T.MEMREF_TEMP_INOUT, buffer: view }]))).rejects.toThrow(
        /params\[0\]\.buffer must not be a view of allocated shared memory \(pass the block as a WHOLE or PARTIAL memref\)/,
      );
    }
    shm.buffer.fill(1);
    await backend.invokeCommand(session, CONF.CONF_CMD_TOUCH, [{ type: T.MEMREF_PARTIAL_INOUT, shm, offset: 16, size: 32 }]);
    expect(inner.every((b) => b === 2)).toBe(true);
    await backend.releaseSharedMemory(shm);
    await backend.closeSession(session);
    await backend.finalizeContext(context);
  });

  it('are known while JS can reach them: forgotten at release, and when GC collects a dropped one', async () => {
    const context = await backend.initializeContext(null);
    const { session } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
    const before = backend.stats().zeroCopyBlocks;
    const released = backend.allocateSharedMemory(context, 64 * 1024, F.INOUT);
    await (async () => void backend.allocateSharedMemory(context, 64 * 1024, F.INOUT))(); // dropped at once
    expect(backend.stats().zeroCopyBlocks).toBe(before + 2);
    await expect(Promise.resolve().then(() => backend.invokeCommand(session, CONF.CONF_CMD_TOUCH, [{ type: T.MEMREF_TEMP_INOUT, buffer: released.buffer }]))).rejects.toThrow(
      /must not be a view of allocated shared memory/,
    );
    await backend.releaseSharedMemory(released);
    expect(backend.stats().zeroCopyBlocks).toBe(before + 1);
    // Released: its (detached) view is an empty buffer now, a NULL/0 temp memref like any other.
    expect(released.buffer.length).toBe(0);
    await collect(() => backend.stats().zeroCopyBlocks === before, 'the dropped block to be forgotten');
    await backend.closeSession(session);
    await backend.finalizeContext(context);
  });
});

describe('no leaks', () => {
  it('opens and closes thousands of sessions with no leaked descriptors or memory', async () => {
    const context = await backend.initializeContext(null);
    const round = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i += 10) {
        const opened = await Promise.all(Array.from({ length: 10 }, () => backend.openSession(context, CONF.uuid.multi as never, 0, null, null)));
        await Promise.all(opened.map(({ session }) => backend.invokeCommand(session, CONF.CONF_CMD_NOP, null)));
        await Promise.all(opened.map(({ session }) => backend.closeSession(session)));
      }
    };
    try {
      await round(200); // warm up: worker threads, allocator pools
      gc();
      const fds = openFds();
      const rss = process.memoryUsage().rss;
      await round(2000);
      gc();
      expect(openFds()).toBe(fds);
      // Under the ASan addon, RSS also holds ASan's quarantine of freed memory (up to 256 MiB),
      // so growth there says nothing about leaks; the plain run of this suite checks it.
      if (!addonUnderAsan) expect(process.memoryUsage().rss - rss).toBeLessThan(32 * 1024 * 1024);
      expect(backend.stats().sessions).toBe(0);
    } finally {
      await backend.finalizeContext(context);
    }
  }, 120000); // a soak: 2,200 TA host processes start and end (12 s here, more under the ASan addon)

  it('initializes and finalizes hundreds of contexts with blocks and no leaked descriptors', async () => {
    const cycle = async (): Promise<void> => {
      const context = await backend.initializeContext(null);
      backend.allocateSharedMemory(context, 8192, F.INOUT);
      backend.registerSharedMemory(context, new Uint8Array(100), F.INOUT);
      const { session } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
      void session;
      await backend.finalizeContext(context);
    };
    for (let i = 0; i < 20; i++) await cycle();
    const fds = openFds();
    for (let i = 0; i < 300; i++) await cycle();
    expect(openFds()).toBe(fds);
    expect(backend.stats()).toMatchObject({ contexts: 0, sessions: 0, sharedMemory: 0 });
  });
});
