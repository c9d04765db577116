/**
 * Property-based: random arguments thrown at every entry point of the native backend produce only
 * typed errors (TeecArgumentError/TeecRangeError, or TeecError) — never a crash, a hang, a plain
 * Error or an unhandled rejection.
 */
import fc from 'fast-check';
import { ParamType as T, SharedMemoryFlags as F } from '../../src/core/constants';
import { TeecArgumentError, TeecError, TeecRangeError } from '../../src/core/errors';
import type { ContextHandle, SessionHandle, SharedMemoryHandle } from '../../src/core/backend';
import type { NativeBackend } from '../../src/core/native';
import { CONF, PrivateSim } from '../support/simulator';

const sim = new PrivateSim();
let backend: NativeBackend;
let context: ContextHandle;
let otherContext: ContextHandle;
let session: SessionHandle;
let closedSession: SessionHandle;
let shm: SharedMemoryHandle;
let foreignShm: SharedMemoryHandle;
let releasedShm: SharedMemoryHandle;

beforeAll(async () => {
  backend = sim.backend();
  context = await backend.initializeContext(null);
  otherContext = await backend.initializeContext(null);
  ({ session } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null));
  ({ session: closedSession } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null));
  await backend.closeSession(closedSession);
  shm = backend.allocateSharedMemory(context, 256, F.INOUT);
  foreignShm = backend.allocateSharedMemory(otherContext, 64, F.INOUT);
  releasedShm = backend.allocateSharedMemory(context, 64, F.INOUT);
  await backend.releaseSharedMemory(releasedShm);
});
afterAll(async () => {
  await backend.finalizeContext(otherContext);
  await backend.finalizeContext(context);
  sim.stop();
});

const typed = (e: unknown): boolean => e instanceof TeecArgumentError || e instanceof TeecRangeError || e instanceof TeecError;

/** Runs `f`; passes when it succeeds or fails (synchronously or not) with a typed error. */
async function onlyTyped(f: () => unknown): Promise<void> {
  let result: unknown;
  try {
    result = f();
  } catch (e) {
    if (!typed(e)) throw new Error(`untyped synchronous error: ${String(e)}`);
    return;
  }
  if (result instanceof Promise) {
    await result.catch((e: unknown) => {
      if (!typed(e)) throw new Error(`untyped rejection: ${String(e)}`);
    });
  }
}

const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.bigInt(),
  fc.string({ maxLength: 40 }),
  fc.constantFrom(-1, -0, 0.5, NaN, Infinity, -Infinity, 2 ** 32, 2 ** 53, 2 ** 64, Number.MAX_VALUE),
  fc.constant({}),
  fc.constant([]),
  fc.constant(Symbol('x')),
  fc.constant(() => 1),
  fc.constant(new Uint16Array(4)),
  fc.constant(new DataView(new ArrayBuffer(4))),
  fc.uint8Array({ maxLength: 16 }),
);

// Buffers the TEE may not be given: views of a live zero-copy block (its release would unmap
// them), resizable memory (JS could shrink it); and a growable SharedArrayBuffer, which it may.
const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer;
const Growable = SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer;
const resizable = new Resizable(16, { maxByteLength: 64 });
const specialBuffers = () =>
  fc
    .constantFrom<() => unknown>(
      () => shm.buffer,
      () => shm.buffer.subarray(8, 24),
      () => resizable,
      () => new Uint8Array(resizable, 4),
      () => new Uint8Array(new Growable(16, { maxByteLength: 64 })),
    )
    .map((make) => make());
const number = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(-1, 0.5, NaN, Infinity, 2 ** 32, 2 ** 53, -0), fc.double());
const handles = () => fc.constantFrom<unknown>(context, otherContext, session, closedSession, shm, foreignShm, releasedShm, {}, null);
const shmArb = () => fc.constantFrom<unknown>(shm, foreignShm, releasedShm, session, {}, undefined);

const param = () =>
  fc.oneof(
    fc.record({ type: fc.constantFrom<number>(T.VALUE_INPUT, T.VALUE_OUTPUT, T.VALUE_INOUT), a: fc.oneof(number, junk), b: fc.oneof(number, junk) }),
    fc.record({
      type: fc.constantFrom<number>(T.MEMREF_TEMP_INPUT, T.MEMREF_TEMP_OUTPUT, T.MEMREF_TEMP_INOUT),
      buffer: fc.oneof(fc.uint8Array({ maxLength: 64 }).map((b) => b.subarray(1)), specialBuffers(), junk),
    }),
    fc.record({ type: fc.constant<number>(T.MEMREF_WHOLE), shm: shmArb() }),
    fc.record({ type: fc.constantFrom<number>(T.MEMREF_PARTIAL_INPUT, T.MEMREF_PARTIAL_OUTPUT, T.MEMREF_PARTIAL_INOUT), shm: shmArb(), offset: number, size: number }),
    fc.record({ type: fc.oneof(number, junk) }),
    junk,
  );
const params = () => fc.oneof(fc.array(param(), { maxLength: 6 }), junk);
// Commands that return at once (no panic, crash or long wait).
const command = () => fc.oneof(fc.constantFrom(CONF.CONF_CMD_NOP, CONF.CONF_CMD_TRANSFORM, CONF.CONF_CMD_FILL, CONF.CONF_CMD_RETURN, 999), junk);
const uuid = () => fc.oneof(fc.constant(CONF.uuid.multi), fc.uuid(), fc.string({ maxLength: 40 }), junk);

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown): void => void unhandled.push(e);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => void process.off('unhandledRejection', onUnhandled));

const RUNS = { numRuns: 300 };

describe('random arguments at every entry point', () => {
  it('invokeCommand', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(handles(), junk), command(), params(), (s, c, p) => onlyTyped(() => backend.invokeCommand(s as never, c as never, p as never))),
      RUNS,
    );
  });

  it('openSession', async () => {
    const opened: SessionHandle[] = [];
    await fc.assert(
      fc.asyncProperty(fc.oneof(handles(), junk), uuid(), fc.oneof(fc.constantFrom(0, 1, 2, 4, 5, 6), number, junk), fc.oneof(number, junk), params(), (ctx, u, login, data, p) =>
        onlyTyped(async () => {
          const { session: s } = await backend.openSession(ctx as never, u as never, login as never, data as never, p as never);
          opened.push(s);
        }),
      ),
      RUNS,
    );
    await Promise.all(opened.map((s) => backend.closeSession(s)));
  });

  it('shared memory: allocate, register, release', async () => {
    const made: SharedMemoryHandle[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(handles(), junk),
        fc.oneof(fc.integer({ min: 0, max: 4096 }), fc.constantFrom(-1, 0.5, NaN, 2 ** 53, 2 ** 60), junk),
        fc.oneof(fc.integer({ min: 0, max: 7 }), number, junk),
        fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constant(new ArrayBuffer(8)), specialBuffers(), junk),
        async (ctx, size, flags, buffer) => {
          await onlyTyped(() => made.push(backend.allocateSharedMemory(ctx as never, size as never, flags as never)));
          await onlyTyped(() => made.push(backend.registerSharedMemory(ctx as never, buffer as never, flags as never)));
        },
      ),
      RUNS,
    );
    await Promise.all(made.map((m) => backend.releaseSharedMemory(m)));
  });

  it('close, release, finalize and initialize with junk', async () => {
    await fc.assert(
      fc.asyncProperty(junk, async (x) => {
        await onlyTyped(() => backend.closeSession(x as never));
        await onlyTyped(() => backend.releaseSharedMemory(x as never));
        await onlyTyped(() => backend.finalizeContext(x as never));
        await onlyTyped(async () => {
          const c = await backend.initializeContext(x as never);
          await backend.finalizeContext(c);
        });
      }),
      RUNS,
    );
  });

  it('left no unhandled rejection behind', async () => {
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).toEqual([]);
  });
});
