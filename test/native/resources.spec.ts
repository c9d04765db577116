/**
 * Native resources on the real simulator: garbage collection of dropped handles releases them
 * (seen from the daemon and the addon), and thousands of sessions leak no descriptors or memory.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ParamType as T, ReturnCode as RC, ReturnOrigin as O, SharedMemoryFlags as F } from '../../src/core/constants';
import type { ContextHandle } from '../../src/core/backend';
import { setWorkerPoolOptions, type NativeBackend } from '../../src/core/native';
import { CONF, PrivateSim, occupyWorkerPool, openFds, settled, until } from '../support/simulator';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const sim = new PrivateSim();
let backend: NativeBackend;

beforeAll(() => {
  backend = sim.backend();
});
afterAll(() => sim.stop());

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
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
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
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
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
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
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
    await round(200); // warm up: worker threads, allocator pools
    gc();
    const fds = openFds();
    const rss = process.memoryUsage().rss;
    await round(2000);
    gc();
    expect(openFds()).toBe(fds);
    expect(process.memoryUsage().rss - rss).toBeLessThan(32 * 1024 * 1024);
    expect(backend.stats().sessions).toBe(0);
    await backend.finalizeContext(context);
  });

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
