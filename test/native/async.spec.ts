/**
 * Asynchrony, cancellation and lifetimes on the real simulator: the event loop and Node's thread
 * pool stay free while TAs wait; AbortSignal cancels queued and running calls; closing, releasing
 * and finalizing wait for the calls in flight (cancelling them) instead of freeing memory under them.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ParamType as T, ReturnCode as RC, ReturnOrigin as O, SharedMemoryFlags as F } from '../../src/core/constants';
import { TeecError, TeecStateError } from '../../src/core/errors';
import type { SessionHandle } from '../../src/core/backend';
import { setWorkerPoolOptions } from '../../src/core/native';
import { addonPath } from '../../src/core/native/addon';
import { CONF, PrivateSim, confWait, occupyWorkerPool, until } from '../support/simulator';

const sim = new PrivateSim();
const fixture = sim.useContext();
const open = fixture.open;
const wait = (session: SessionHandle, ms: number, masked: boolean, signal?: AbortSignal) => confWait(fixture.backend, session, ms, masked, signal);
const settled = <V>(p: Promise<V>) => p.then((value) => ({ ok: true as const, value, at: Date.now() }), (error: unknown) => ({ ok: false as const, error: error as TeecError, at: Date.now() }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('off the JS thread', () => {
  it('runs calls on threads of its own, named rx-teec-call (not the JS thread, not the libuv pool)', async () => {
    const s = await open();
    const threadNames = () => fs.readdirSync('/proc/self/task').map((tid) => fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim());
    const pending = wait(s, 300, true);
    await until(() => threadNames().includes('rx-teec-call'), 5000, 'a thread named rx-teec-call');
    await pending;
    await fixture.backend.closeSession(s);
  });

  it('keeps timers firing while a TA waits', async () => {
    const s = await open();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await wait(s, 600, true);
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(30);
    await fixture.backend.closeSession(s);
  });

  it("does not hold Node's thread pool: fs and crypto finish while 10 TA waits are in flight", async () => {
    const sessions = await Promise.all(Array.from({ length: 10 }, open));
    const started = Date.now();
    const waits = sessions.map((s) => wait(s, 2500, true));
    await sleep(100);
    expect(fixture.backend.stats().threads).toBeGreaterThanOrEqual(10);
    const work = [
      ...Array.from({ length: 8 }, () => new Promise<Buffer>((res, rej) => crypto.pbkdf2('pw', 'salt', 1000, 32, 'sha256', (e, k) => (e ? rej(e) : res(k))))),
      ...Array.from({ length: 8 }, () => fs.promises.readFile(__filename)),
    ];
    await Promise.all(work);
    const workDone = Date.now() - started;
    await Promise.all(waits);
    expect(workDone).toBeLessThan(2000);
    await Promise.all(sessions.map((s) => fixture.backend.closeSession(s)));
  });

  it('runs many calls at once across sessions', async () => {
    const sessions = await Promise.all(Array.from({ length: 6 }, open));
    const t0 = Date.now();
    await Promise.all(sessions.map((s) => wait(s, 400, true)));
    expect(Date.now() - t0).toBeLessThan(1500); // not 6 × 400 ms one after another
    await Promise.all(sessions.map((s) => fixture.backend.closeSession(s)));
  });
});

describe('cancellation', () => {
  it('rejects an already aborted call without reaching the TEE', async () => {
    const s = await open();
    const controller = new AbortController();
    controller.abort();
    const r = await settled(fixture.backend.invokeCommand(s, CONF.CONF_CMD_NOP, null, controller.signal));
    expect(r.ok).toBe(false);
    expect(r.ok || [r.error.code, r.error.origin]).toEqual([RC.TEEC_ERROR_CANCEL, O.API]);
    await fixture.backend.closeSession(s);
  });

  it('cancels a queued call before it reaches the TEE', async () => {
    const victim = await open();
    try {
      // Occupy every thread the pool may use, so the next call waits in the queue.
      const { sessions: busy, waits: blockers } = await occupyWorkerPool(fixture.backend, open, 400);
      const controller = new AbortController();
      const call = settled(fixture.backend.invokeCommand(victim, CONF.CONF_CMD_TRANSFORM, [{ type: T.VALUE_INPUT, a: 1, b: 1 }], controller.signal));
      controller.abort();
      const r = await call;
      expect(r.ok || [r.error.code, r.error.origin, r.error.message]).toEqual([RC.TEEC_ERROR_CANCEL, O.API, expect.stringContaining('before it reached the TEE')]);
      await Promise.all(blockers);
      await Promise.all(busy.map((s) => fixture.backend.closeSession(s)));
    } finally {
      setWorkerPoolOptions({ maxThreads: 512 });
    }
    // The TA never saw the cancelled command.
    const record = new Uint8Array(256);
    await fixture.backend.invokeCommand(victim, CONF.CONF_CMD_GET_RECORD, [{ type: T.MEMREF_TEMP_OUTPUT, buffer: record }]);
    expect(new DataView(record.buffer).getUint32(0, true)).toBe(0);
    await fixture.backend.closeSession(victim);
  });

  it('sends TEEC_RequestCancellation to a running call; the TA that unmasked it returns CANCEL (origin TRUSTED_APP)', async () => {
    const s = await open();
    const controller = new AbortController();
    const t0 = Date.now();
    const call = settled(wait(s, 10000, false, controller.signal));
    await sleep(150);
    controller.abort();
    const r = await call;
    expect(r.ok || [r.error.code, r.error.origin]).toEqual([RC.TEEC_ERROR_CANCEL, O.TRUSTED_APP]);
    expect(r.at - t0).toBeLessThan(3000);
    await fixture.backend.closeSession(s);
  });

  it('lets a masked call run to completion and resolve', async () => {
    const s = await open();
    const controller = new AbortController();
    const t0 = Date.now();
    const call = settled(wait(s, 400, true, controller.signal));
    await sleep(50);
    controller.abort();
    const r = await call;
    expect(r.ok).toBe(true);
    expect(r.at - t0).toBeGreaterThanOrEqual(390);
    await fixture.backend.closeSession(s);
  });
});

describe('closing under calls in flight', () => {
  it('closeSession cancels the running call and waits for it', async () => {
    const s = await open();
    const call = settled(wait(s, 10000, false));
    await sleep(100);
    const closed = fixture.backend.closeSession(s).then(() => Date.now());
    const r = await call;
    const closedAt = await closed;
    expect(r.ok || [r.error.code, r.error.origin]).toEqual([RC.TEEC_ERROR_CANCEL, O.TRUSTED_APP]);
    expect(closedAt).toBeGreaterThanOrEqual(r.at);
    const after = await settled(fixture.backend.invokeCommand(s, CONF.CONF_CMD_NOP, null));
    expect(after.ok || after.error).toBeInstanceOf(TeecStateError);
  });

  it('releaseSharedMemory waits for the call using the block; JS loses its view at once', async () => {
    const s = await open();
    const shm = fixture.backend.allocateSharedMemory(fixture.context, 4096, F.INOUT);
    const t0 = Date.now();
    const call = settled(fixture.backend.invokeCommand(s, CONF.CONF_CMD_TOUCH, [{ type: T.MEMREF_WHOLE, shm }, { type: T.VALUE_INPUT, a: 300, b: 0 }]));
    await sleep(50);
    const released = fixture.backend.releaseSharedMemory(shm).then(() => Date.now());
    expect(shm.buffer.length).toBe(0);
    const r = await call;
    expect(r.ok).toBe(true); // TOUCH waits masked: it ran to completion on live memory
    // The release returned only after the TA's 300 ms on the block. (Not "after JS saw the call
    // settle": the two completions reach JS in either order.)
    expect((await released) - t0).toBeGreaterThanOrEqual(300);
    const reuse = await settled(fixture.backend.invokeCommand(s, CONF.CONF_CMD_TOUCH, [{ type: T.MEMREF_WHOLE, shm }]));
    expect(reuse.ok || reuse.error).toBeInstanceOf(TeecStateError);
    await fixture.backend.closeSession(s);
  });

  it('finalizeContext closes sessions and releases blocks first, cancelling what runs', async () => {
    const ctx = await fixture.backend.initializeContext(null);
    const { session: s } = await fixture.backend.openSession(ctx, CONF.uuid.multi as never, 0, null, null);
    const shm = fixture.backend.allocateSharedMemory(ctx, 64, F.INOUT);
    const before = sim.status()!.sessions;
    const call = settled(wait(s, 10000, false));
    await sleep(100);
    await fixture.backend.finalizeContext(ctx);
    const r = await call;
    expect(r.ok || r.error.code).toBe(RC.TEEC_ERROR_CANCEL);
    expect(shm.buffer.length).toBe(0);
    await until(() => sim.status()!.sessions === before - 1, 3000, 'the daemon to drop the session');
    for (const late of [
      settled(fixture.backend.invokeCommand(s, CONF.CONF_CMD_NOP, null)),
      settled(fixture.backend.openSession(ctx, CONF.uuid.multi as never, 0, null, null)),
      settled(Promise.resolve().then(() => fixture.backend.allocateSharedMemory(ctx, 8, F.INPUT))),
    ]) {
      const x = await late;
      expect(x.ok || x.error).toBeInstanceOf(TeecStateError);
    }
    await fixture.backend.finalizeContext(ctx); // twice: a no-op
  });

  it('finalizeContext while a session is opening closes it as soon as it opens', async () => {
    const ctx = await fixture.backend.initializeContext(null);
    const opening = settled(fixture.backend.openSession(ctx, CONF.uuid.multi as never, 0, null, null));
    await fixture.backend.finalizeContext(ctx);
    const r = await opening;
    // Either the open was cancelled before it started, or it opened and was closed again.
    if (!r.ok) expect(r.error).toBeInstanceOf(TeecError);
    expect(fixture.backend.stats().contexts).toBe(1); // only the suite's own context is left
  });
});

describe('polling the event loop for short calls', () => {
  const stats = () => fixture.backend.stats();
  const nops = async (s: SessionHandle, n: number) => {
    for (let i = 0; i < n; i++) await fixture.backend.invokeCommand(s, CONF.CONF_CMD_NOP, null);
  };
  // The default by the CPUs of this process's affinity mask alone (no cgroup limit), and by the
  // CPU time it may really use (what the addon read, its cgroup's limit too; the two specs below
  // check that reading), unless RX_TEEC_POLL_MICROS sets it.
  const byAffinity = os.availableParallelism() >= 2 ? 100 : 0;
  const expectedDefault = () => (process.env.RX_TEEC_POLL_MICROS ? Number(process.env.RX_TEEC_POLL_MICROS) : stats().usableCpus >= 2 ? 100 : 0);
  afterAll(() => setWorkerPoolOptions({ pollMicros: expectedDefault() }));
  /** The addon's stats() field `field` (default pollMicros) in a fresh Node process, run under `wrapper` (e.g. taskset) with `env` added. */
  const childStat = (env: NodeJS.ProcessEnv, wrapper: string[] = [], field: 'pollMicros' | 'usableCpus' = 'pollMicros') => {
    const script = `process.stdout.write(String(require(${JSON.stringify(addonPath())}).stats().${field}))`;
    const [file, ...args] = [...wrapper, process.execPath, '-e', script];
    const r = spawnSync(file, args, { encoding: 'utf8', env: { ...process.env, RX_TEEC_POLL_MICROS: '', ...env } });
    if (r.status !== 0) throw new Error(`${path.basename(file)} failed (${r.status ?? r.signal}): ${r.stderr}`);
    return Number(r.stdout);
  };

  // A process pinned to one CPU (taskset; a container's cpuset) must not busy-wait, however many
  // the machine has.
  it('is off by default in a process that may run on one CPU only', () => {
    // An empty stand-in cgroup tree: a CPU limit of the machine's own must not decide here.
    const noLimits = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-teec-cgroup-'));
    try {
      const pollMicros = (cpus: string[]) => childStat({ RX_TEEC_CGROUP_ROOT: noLimits }, ['taskset', '-c', cpus.join(',')]);
      expect(pollMicros(['0'])).toBe(0);
      if (os.availableParallelism() >= 2) expect(pollMicros(['0', '1'])).toBe(100);
    } finally {
      fs.rmSync(noLimits, { recursive: true, force: true });
    }
  });

  // A container limited to less than two CPUs' worth of time (`--cpus`, a pod's CPU limit) sees
  // every CPU in its affinity mask; busy-waiting there only spends its quota.
  it('is off by default under a cgroup CPU limit below two CPUs (v2 cpu.max, v1 CFS quota)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-teec-cgroup-'));
    // This process's cgroups, "<id>:<controllers>:<path>" (a child inherits them).
    const lines = fs
      .readFileSync('/proc/self/cgroup', 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.match(/^([^:]*):([^:]*):(.*)$/)!.slice(1));
    const v2 = lines.find(([id, controllers]) => id === '0' && controllers === '');
    const v1 = lines.find(([, controllers]) => controllers.split(',').includes('cpu'));
    const write = (dir: string, files: Record<string, string>) => {
      fs.mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), `${text}\n`);
    };
    const pollMicros = () => childStat({ RX_TEEC_CGROUP_ROOT: root });
    const usableCpus = () => childStat({ RX_TEEC_CGROUP_ROOT: root }, [], 'usableCpus');
    try {
      expect(v2 ?? v1).toBeDefined();
      expect(pollMicros()).toBe(byAffinity); // no limit files: the affinity mask decides
      if (v2) {
        write(path.join(root, v2[2]), { 'cpu.max': '50000 100000' });
        expect(usableCpus()).toBe(0.5);
        expect(pollMicros()).toBe(0);
        write(path.join(root, v2[2]), { 'cpu.max': 'max 100000' });
        expect(pollMicros()).toBe(byAffinity);
        write(path.join(root, v2[2]), { 'cpu.max': '400000 100000' });
        expect(pollMicros()).toBe(byAffinity);
        fs.rmSync(path.join(root, v2[2], 'cpu.max'));
      }
      if (v1) {
        const dir = path.join(root, v1[1], v1[2]);
        write(dir, { 'cpu.cfs_quota_us': '150000', 'cpu.cfs_period_us': '100000' });
        expect(usableCpus()).toBe(Math.min(1.5, os.availableParallelism()));
        expect(pollMicros()).toBe(0);
        write(dir, { 'cpu.cfs_quota_us': '-1' });
        expect(pollMicros()).toBe(byAffinity);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('is on by default with two or more CPUs, tunable, and checks its option', () => {
    expect(stats().pollMicros).toBe(expectedDefault());
    setWorkerPoolOptions({ pollMicros: 123 });
    expect(stats().pollMicros).toBe(123);
    expect(() => setWorkerPoolOptions({ pollMicros: 10001 })).toThrow(/options\.pollMicros/);
    expect(() => setWorkerPoolOptions({ pollMicros: -1 })).toThrow(/options\.pollMicros/);
    expect(() => setWorkerPoolOptions({ pollMicros: 'fast' as never })).toThrow(/options\.pollMicros/);
    expect(stats().pollMicros).toBe(123);
  });

  it('polls while short invokes are in flight, and not at all when disabled', async () => {
    const s = await open();
    setWorkerPoolOptions({ pollMicros: 500 });
    const before = stats().polledMillis;
    await nops(s, 300);
    const polled = stats().polledMillis - before;
    expect(polled).toBeGreaterThan(0);
    setWorkerPoolOptions({ pollMicros: 0 });
    const off = stats().polledMillis;
    await nops(s, 300);
    expect(stats().polledMillis).toBe(off);
    await fixture.backend.closeSession(s);
  });

  it('keeps score of lone calls polled and slept, trying the slower way now and then', async () => {
    const s = await open();
    setWorkerPoolOptions({ pollMicros: 500 });
    // One eligible lone call in 32 to 95 waits the other way; each way needs a few samples.
    await nops(s, 800);
    const { polledRoundTripMicros: polled, sleptRoundTripMicros: slept } = stats();
    expect(polled).toBeGreaterThan(0);
    expect(slept).toBeGreaterThan(0);
    // Whichever way wins, the loop still polls for some of the calls (at least the explorers).
    const before = stats().polledMillis;
    await nops(s, 200);
    expect(stats().polledMillis).toBeGreaterThan(before);
    await fixture.backend.closeSession(s);
  });

  it('keeps a score per kind of call: a 1 MiB call does not move the empty invoke\'s', async () => {
    const s = await open();
    setWorkerPoolOptions({ pollMicros: 5000 });
    const shm = fixture.backend.allocateSharedMemory(fixture.context, 1 << 20, F.INOUT);
    await nops(s, 800);
    const empty = stats();
    expect(empty.polledRoundTripMicros).toBeGreaterThan(0);
    expect(empty.sleptRoundTripMicros).toBeGreaterThan(0);
    // Long enough to pull a shared score well away from the empty invoke's (1 MiB takes several
    // times as long), and to give the 1 MiB kind a score of its own.
    for (let i = 0; i < 300; i++) await fixture.backend.invokeCommand(s, CONF.CONF_CMD_TOUCH, [{ type: T.MEMREF_PARTIAL_INOUT, shm, offset: 0, size: 1 << 20 }]);
    // Back to empty invokes: the stats show their kind's score again, moved by at most 3 samples
    // (each by at most 1/8 of the average).
    await nops(s, 3);
    const again = stats();
    for (const key of ['polledRoundTripMicros', 'sleptRoundTripMicros'] as const) {
      expect(again[key]).toBeGreaterThanOrEqual(empty[key] * 0.66);
      expect(again[key]).toBeLessThanOrEqual(empty[key] * 1.43);
    }
    await fixture.backend.releaseSharedMemory(shm);
    await fixture.backend.closeSession(s);
  });

  it('a TA that waits costs at most one bounded polling window per call, and timers keep firing', async () => {
    const s = await open();
    setWorkerPoolOptions({ pollMicros: 500 });
    await nops(s, 50); // short calls: polling is on
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const before = stats().polledMillis;
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await wait(s, 40, true);
    const elapsed = Date.now() - t0;
    clearInterval(timer);
    const polled = stats().polledMillis - before;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    // At most min(budget, 2 × the recent round trip + 20 µs) per call: 5 × 0.5 ms, with slack
    // for the loop iteration that notices the deadline.
    expect(polled).toBeLessThan(5 * 0.5 + 2);
    expect(ticks).toBeGreaterThanOrEqual(20);
    await fixture.backend.closeSession(s);
  });

  it('a worker thread terminated while short invokes are in flight (loop polling, timer armed) exits cleanly', async () => {
    const { Worker } = await import('node:worker_threads');
    // The built package (npm test builds it first), as an application would load it.
    const code = `
      const { parentPort } = require('node:worker_threads');
      const { Context, partialInout } = require('rx-teec');
      (async () => {
        const ctx = await Context.open();
        const s = await ctx.openSession('${CONF.uuid.multi}');
        const shm = ctx.allocateSharedMemory(1 << 20);
        for (let i = 0; i < 100; i++) await s.invoke(${CONF.CONF_CMD_TOUCH}, [partialInout(shm, 0, 1 << 20)]);
        parentPort.postMessage('busy');
        // Invokes in flight, back to back and two at a time, until the thread is terminated.
        const touch = () => s.invoke(${CONF.CONF_CMD_TOUCH}, [partialInout(shm, 0, 1 << 20)]);
        for (;;) await Promise.all([touch(), touch()]);
      })().catch((e) => parentPort.postMessage(String(e)));`;
    for (let i = 0; i < 3; i++) {
      const worker = new Worker(code, { eval: true });
      const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
      expect(await new Promise((resolve) => worker.once('message', resolve))).toBe('busy');
      await worker.terminate();
      expect(await exited).toBe(1); // terminated, not crashed
    }
  }, 60_000);
});
