/**
 * The C conformance suite's behaviours, from TypeScript through the addon on the real simulator:
 * codes and origins, parameter write-back, temp memrefs with byteOffset, WHOLE/PARTIAL, SHORT_BUFFER,
 * TARGET_DEAD after a panic or crash and reopening, BUSY, a last close that waits for the TA's
 * destroy, identity, zero-copy shared memory.
 */
import * as crypto from 'node:crypto';
import { LoginMethod, ParamType as T, ReturnCode as RC, ReturnOrigin as O, SharedMemoryFlags as F } from '../../src/core/constants';
import { TeecError, TeecStateError } from '../../src/core/errors';
import type { ContextHandle, SessionHandle } from '../../src/core/backend';
import { forceCopySharedMemory, type NativeBackend } from '../../src/core/native';
import { CONF, PrivateSim } from '../support/simulator';

const sim = new PrivateSim();
let backend: NativeBackend;
let context: ContextHandle;
let session: SessionHandle;

beforeAll(async () => {
  backend = sim.backend();
  context = await backend.initializeContext(null);
  ({ session } = await backend.openSession(context, CONF.uuid.multi as never, LoginMethod.PUBLIC, null, null));
});
afterAll(async () => {
  await backend.finalizeContext(context);
  sim.stop();
});

async function rejection(promise: Promise<unknown>): Promise<TeecError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TeecError);
  return error as TeecError;
}

describe('backend info', () => {
  it('names the bundled simulator and why it was chosen', () => {
    expect(backend.info.kind).toBe('simulator');
    expect(backend.info.libraryPath).toMatch(/build\/lib\/libteec\.so\.2$/);
    expect(backend.info.reason).toBe('option library');
  });
});

describe('contexts and sessions', () => {
  it('refuses an unknown TEE name with ITEM_NOT_FOUND', async () => {
    const e = await rejection(backend.initializeContext('no-such-tee'));
    expect(e.code).toBe(RC.TEEC_ERROR_ITEM_NOT_FOUND);
  });

  it('reports an unknown TA as ITEM_NOT_FOUND, origin TEE', async () => {
    const e = await rejection(backend.openSession(context, '00000000-0000-4000-8000-00000000dead' as never, 0, null, null));
    expect([e.code, e.origin]).toEqual([RC.TEEC_ERROR_ITEM_NOT_FOUND, O.TEE]);
  });

  it('passes open-session parameters and writes VALUE_INOUT back', async () => {
    const { session: s, outputs } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, [{ type: T.VALUE_INOUT, a: 10, b: 20 }]);
    expect(outputs[0]).toEqual({ a: 11, b: 22 });
    await backend.closeSession(s);
  });

  it('reports a TA refusing the session with its code, origin TRUSTED_APP', async () => {
    const e = await rejection(backend.openSession(context, CONF.uuid.multi as never, 0, null, [{ type: T.VALUE_INPUT, a: CONF.CONF_OPEN_REFUSE, b: 0 }]));
    expect([e.code, e.origin]).toEqual([RC.TEEC_ERROR_ACCESS_DENIED, O.TRUSTED_APP]);
  });

  it('returns BUSY (origin TEE) for a second session on a single-instance TA without MULTI_SESSION', async () => {
    const first = await backend.openSession(context, CONF.uuid.single as never, 0, null, null);
    const e = await rejection(backend.openSession(context, CONF.uuid.single as never, 0, null, null));
    expect([e.code, e.origin]).toEqual([RC.TEEC_ERROR_BUSY, O.TEE]);
    await backend.closeSession(first.session);
    const again = await backend.openSession(context, CONF.uuid.single as never, 0, null, null);
    await backend.closeSession(again.session);
  });

  it("resolves the close of an instance's last session once TA_DestroyEntryPoint has run and the host ended", async () => {
    const { session: s } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
    const info = await backend.invokeCommand(s, CONF.CONF_CMD_INSTANCE_INFO, [
      { type: T.VALUE_OUTPUT, a: 0, b: 0 },
      { type: T.VALUE_OUTPUT, a: 0, b: 0 },
    ]);
    const pid = info[1].b!;
    expect(sim.status()!.tas.map((t) => t.pid)).toContain(pid);
    const destroyMs = 300;
    await backend.invokeCommand(s, CONF.CONF_CMD_SLOW_DESTROY, [{ type: T.VALUE_INPUT, a: destroyMs, b: 0 }]);
    const t0 = Date.now();
    await backend.closeSession(s);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(destroyMs - 10);
    expect(sim.status()!.tas.map((t) => t.pid)).not.toContain(pid);
  });

  it('rejects calls on a closed session with TeecStateError (origin API), and closing twice is a no-op', async () => {
    const { session: s } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
    await backend.closeSession(s);
    await backend.closeSession(s);
    const e = await rejection(backend.invokeCommand(s, CONF.CONF_CMD_NOP, null));
    expect(e).toBeInstanceOf(TeecStateError);
    expect(e.origin).toBe(O.API);
  });
});

describe('commands and parameters', () => {
  it('runs the empty command', async () => {
    const outputs = await backend.invokeCommand(session, CONF.CONF_CMD_NOP, null);
    expect(outputs).toEqual([{}, {}, {}, {}]);
  });

  it('returns the TA result with origin TRUSTED_APP', async () => {
    const e = await rejection(backend.invokeCommand(session, CONF.CONF_CMD_RETURN, [{ type: T.VALUE_INPUT, a: RC.TEEC_ERROR_NOT_SUPPORTED, b: 0 }]));
    expect([e.code, e.origin, e.codeName]).toEqual([RC.TEEC_ERROR_NOT_SUPPORTED, O.TRUSTED_APP, 'TEEC_ERROR_NOT_SUPPORTED']);
  });

  it('writes values back by direction and never leaks the TA copy of inputs', async () => {
    const outputs = await backend.invokeCommand(session, CONF.CONF_CMD_TRANSFORM, [
      { type: T.VALUE_INPUT, a: 1, b: 2 },
      { type: T.VALUE_OUTPUT, a: 0, b: 0 },
      { type: T.VALUE_INOUT, a: 0xfffffffe, b: 7 },
    ]);
    expect(outputs[0]).toEqual({ a: 1, b: 2 });
    expect(outputs[1]).toEqual({ a: CONF.CONF_OUT_VALUE_A + 1, b: 0x0321 });
    expect(outputs[2]).toEqual({ a: 0xffffffff, b: 9 });
    expect(outputs[3]).toEqual({});
  });

  it('writes temp memref output in place, honouring byteOffset, and leaves inputs alone', async () => {
    const backing = new Uint8Array(64).fill(0x11);
    const input = backing.subarray(0, 8);
    const output = backing.subarray(16, 24);
    const inout = backing.subarray(40, 44);
    inout.set([0, 1, 2, 3]);
    const outputs = await backend.invokeCommand(session, CONF.CONF_CMD_TRANSFORM, [
      { type: T.MEMREF_TEMP_INPUT, buffer: input },
      { type: T.MEMREF_TEMP_OUTPUT, buffer: output },
      { type: T.MEMREF_TEMP_INOUT, buffer: inout },
    ]);
    expect([...input]).toEqual(new Array(8).fill(0x11));
    expect([...output]).toEqual(new Array(8).fill(CONF.CONF_OUT_FILL_BYTE + 1));
    expect([...inout]).toEqual([0xff, 0xfe, 0xfd, 0xfc]);
    expect([...backing.subarray(8, 16)]).toEqual(new Array(8).fill(0x11)); // nothing outside the views
    expect([...backing.subarray(24, 40)]).toEqual(new Array(16).fill(0x11));
    expect(outputs.slice(0, 3).map((o) => o.size)).toEqual([8, 8, 4]);
  });

  it('passes a null temp memref as NULL with size 0', async () => {
    await backend.invokeCommand(session, CONF.CONF_CMD_TRANSFORM, [{ type: T.MEMREF_TEMP_INPUT, buffer: null }]);
    const record = new Uint8Array(256);
    await backend.invokeCommand(session, CONF.CONF_CMD_GET_RECORD, [{ type: T.MEMREF_TEMP_OUTPUT, buffer: record }]);
    const view = new DataView(record.buffer);
    // struct conf_record: 16-byte header, then params[0] = { a, b, size (u64), buffer_null, sum }
    expect(view.getUint32(12 + 4 + 8, true)).toBe(0); // size low
    expect(view.getUint32(16 + 16, true)).toBe(1); // buffer_null
  });

  it('reports SHORT_BUFFER with the size the TA needs, and writes nothing', async () => {
    const small = new Uint8Array(4).fill(7);
    const e = await rejection(
      backend.invokeCommand(session, CONF.CONF_CMD_FILL, [
        { type: T.MEMREF_TEMP_OUTPUT, buffer: small },
        { type: T.VALUE_INPUT, a: 100, b: 0x5a },
      ]),
    );
    expect([e.code, e.origin, e.isShortBuffer]).toEqual([RC.TEEC_ERROR_SHORT_BUFFER, O.TRUSTED_APP, true]);
    expect(e.requiredSize).toBe(100);
    expect(e.outputs?.[0]).toEqual({ size: 100 });
    expect([...small]).toEqual([7, 7, 7, 7]);
    const big = new Uint8Array(e.requiredSize!);
    const outputs = await backend.invokeCommand(session, CONF.CONF_CMD_FILL, [
      { type: T.MEMREF_TEMP_OUTPUT, buffer: big },
      { type: T.VALUE_INPUT, a: 100, b: 0x5a },
    ]);
    expect(outputs[0].size).toBe(100);
    expect(big.every((b) => b === 0x5a)).toBe(true);
  });

  it('passes an unknown parameter type through for BAD_PARAMETERS, origin API', async () => {
    const e = await rejection(backend.invokeCommand(session, CONF.CONF_CMD_NOP, [{ type: 0x4 } as never]));
    expect([e.code, e.origin]).toEqual([RC.TEEC_ERROR_BAD_PARAMETERS, O.API]);
  });
});

describe('shared memory', () => {
  it('exposes allocated memory as a zero-copy view the TA writes into (WHOLE)', async () => {
    const shm = backend.allocateSharedMemory(context, 4096, F.INOUT);
    expect([shm.size, shm.flags, shm.kind, shm.zeroCopy, shm.buffer.length]).toEqual([4096, F.INOUT, 'allocated', true, 4096]);
    shm.buffer.fill(1);
    const outputs = await backend.invokeCommand(session, CONF.CONF_CMD_TOUCH, [{ type: T.MEMREF_WHOLE, shm }]);
    expect(outputs[0].size).toBe(4096);
    expect(shm.buffer.every((b) => b === 2)).toBe(true);
    await backend.releaseSharedMemory(shm);
    expect(shm.buffer.length).toBe(0); // detached: JS can no longer reach released memory
    await backend.releaseSharedMemory(shm); // twice is a no-op
  });

  it('shows the TA writing while the call still runs (the view is the very memory)', async () => {
    const shm = backend.allocateSharedMemory(context, 1024, F.INOUT);
    const call = backend.invokeCommand(session, CONF.CONF_CMD_TOUCH, [
      { type: T.MEMREF_WHOLE, shm },
      { type: T.VALUE_INPUT, a: 400, b: 0 },
    ]);
    await new Promise((r) => setTimeout(r, 200));
    expect(shm.buffer[0]).toBe(1); // touched, not yet returned
    await call;
    await backend.releaseSharedMemory(shm);
  });

  it('uses PARTIAL references at an offset, by direction', async () => {
    const shm = backend.allocateSharedMemory(context, 64, F.INOUT);
    shm.buffer.fill(0x10);
    const outputs = await backend.invokeCommand(session, CONF.CONF_CMD_TRANSFORM, [
      { type: T.MEMREF_PARTIAL_OUTPUT, shm, offset: 8, size: 8 },
      { type: T.MEMREF_PARTIAL_INOUT, shm, offset: 32, size: 4 },
      { type: T.MEMREF_PARTIAL_INPUT, shm, offset: 48, size: 16 },
    ]);
    expect(outputs.slice(0, 3).map((o) => o.size)).toEqual([8, 4, 16]);
    expect([...shm.buffer.subarray(0, 8)]).toEqual(new Array(8).fill(0x10));
    expect([...shm.buffer.subarray(8, 16)]).toEqual(new Array(8).fill(CONF.CONF_OUT_FILL_BYTE + 0));
    expect([...shm.buffer.subarray(32, 36)]).toEqual(new Array(4).fill(0xef));
    expect([...shm.buffer.subarray(48, 64)]).toEqual(new Array(16).fill(0x10));
    await backend.releaseSharedMemory(shm);
  });

  it('refuses a PARTIAL direction the block does not allow with BAD_PARAMETERS, origin API', async () => {
    const shm = backend.allocateSharedMemory(context, 64, F.INPUT);
    const e = await rejection(backend.invokeCommand(session, CONF.CONF_CMD_TRANSFORM, [{ type: T.MEMREF_PARTIAL_OUTPUT, shm, offset: 0, size: 8 }]));
    expect([e.code, e.origin]).toEqual([RC.TEEC_ERROR_BAD_PARAMETERS, O.API]);
    await backend.releaseSharedMemory(shm);
  });

  it('refuses flags 0 with BAD_PARAMETERS, origin API', () => {
    let error: unknown;
    try {
      backend.allocateSharedMemory(context, 16, 0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TeecError);
    expect([(error as TeecError).code, (error as TeecError).origin]).toEqual([RC.TEEC_ERROR_BAD_PARAMETERS, O.API]);
  });

  it('registers caller memory (Uint8Array with an offset, and ArrayBuffer) and syncs it around calls', async () => {
    const backing = new Uint8Array(128).fill(3);
    const view = backing.subarray(32, 96);
    const shm = backend.registerSharedMemory(context, view, F.INOUT);
    expect([shm.kind, shm.size, shm.buffer]).toEqual(['registered', 64, view]);
    await backend.invokeCommand(session, CONF.CONF_CMD_TRANSFORM, [{ type: T.MEMREF_PARTIAL_INOUT, shm, offset: 0, size: 16 }]);
    expect([...backing.subarray(32, 48)]).toEqual(new Array(16).fill(0xfc));
    expect([...backing.subarray(48, 96)]).toEqual(new Array(48).fill(3));
    expect(backing[31]).toBe(3);
    await backend.releaseSharedMemory(shm);

    const ab = new ArrayBuffer(32);
    const shm2 = backend.registerSharedMemory(context, ab, F.OUTPUT);
    await backend.invokeCommand(session, CONF.CONF_CMD_TRANSFORM, [{ type: T.MEMREF_WHOLE, shm: shm2 }]);
    expect([...new Uint8Array(ab)]).toEqual(new Array(32).fill(CONF.CONF_OUT_FILL_BYTE));
    await backend.releaseSharedMemory(shm2);
  });

  it('moves 1 MiB through allocated memory intact', async () => {
    const shm = backend.allocateSharedMemory(context, 1 << 20, F.INOUT);
    const data = crypto.randomBytes(1 << 20);
    shm.buffer.set(data);
    await backend.invokeCommand(session, CONF.CONF_CMD_TOUCH, [{ type: T.MEMREF_WHOLE, shm }]);
    let ok = true;
    for (let i = 0; i < data.length; i++) if (shm.buffer[i] !== ((data[i] + 1) & 0xff)) ok = false;
    expect(ok).toBe(true);
    await backend.releaseSharedMemory(shm);
  });

  it('falls back to a copy-backed view (zeroCopy false) that still round-trips', async () => {
    forceCopySharedMemory(true);
    try {
      const shm = backend.allocateSharedMemory(context, 256, F.INOUT);
      expect(shm.zeroCopy).toBe(false);
      shm.buffer.fill(9);
      await backend.invokeCommand(session, CONF.CONF_CMD_TOUCH, [{ type: T.MEMREF_WHOLE, shm }]);
      expect(shm.buffer.every((b) => b === 10)).toBe(true);
      await backend.releaseSharedMemory(shm);
    } finally {
      forceCopySharedMemory(false);
    }
  });
});

describe('dead TAs', () => {
  for (const [name, cmd] of [
    ['panic', CONF.CONF_CMD_PANIC],
    ['crash', CONF.CONF_CMD_CRASH],
  ] as const) {
    it(`reports TARGET_DEAD (origin TEE) after a ${name}, on every later call, and a new session works`, async () => {
      const { session: s } = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
      const e = await rejection(backend.invokeCommand(s, cmd, null));
      expect([e.code, e.origin, e.isTargetDead]).toEqual([RC.TEEC_ERROR_TARGET_DEAD, O.TEE, true]);
      const again = await rejection(backend.invokeCommand(s, CONF.CONF_CMD_NOP, null));
      expect([again.code, again.origin]).toEqual([RC.TEEC_ERROR_TARGET_DEAD, O.TEE]);
      await backend.closeSession(s);
      const fresh = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
      await backend.invokeCommand(fresh.session, CONF.CONF_CMD_NOP, null);
      await backend.closeSession(fresh.session);
    });
  }

  it('leaves other sessions of a multi-instance TA alive', async () => {
    const victim = await backend.openSession(context, CONF.uuid.multi as never, 0, null, null);
    await rejection(backend.invokeCommand(victim.session, CONF.CONF_CMD_PANIC, null));
    await backend.invokeCommand(session, CONF.CONF_CMD_NOP, null);
    await backend.closeSession(victim.session);
  });
});

describe('identity', () => {
  it('shows a PUBLIC login with the nil UUID', async () => {
    const uuid = new Uint8Array(16).fill(0xee);
    const outputs = await backend.invokeCommand(session, CONF.CONF_CMD_GET_IDENTITY, [
      { type: T.VALUE_OUTPUT, a: 0, b: 0 },
      { type: T.MEMREF_TEMP_OUTPUT, buffer: uuid },
    ]);
    expect(outputs[0].a).toBe(LoginMethod.PUBLIC);
    expect(outputs[1].size).toBe(16);
    expect([...uuid]).toEqual(new Array(16).fill(0));
  });

  it('shows a USER login as the UUIDv5 of uid=<euid hex>', async () => {
    const { session: s } = await backend.openSession(context, CONF.uuid.multi as never, LoginMethod.USER, null, null);
    const uuid = new Uint8Array(16);
    const outputs = await backend.invokeCommand(s, CONF.CONF_CMD_GET_IDENTITY, [
      { type: T.VALUE_OUTPUT, a: 0, b: 0 },
      { type: T.MEMREF_TEMP_OUTPUT, buffer: uuid },
    ]);
    expect(outputs[0].a).toBe(LoginMethod.USER);
    const ns = Buffer.from('58ac9ca020864683a1b8ec4bc08e01b6', 'hex');
    const hash = crypto.createHash('sha1').update(ns).update(`uid=${process.geteuid!().toString(16)}`).digest();
    hash[6] = (hash[6] & 0x0f) | 0x50;
    hash[8] = (hash[8] & 0x3f) | 0x80;
    expect(Buffer.from(uuid).toString('hex')).toBe(hash.subarray(0, 16).toString('hex'));
    await backend.closeSession(s);
  });

  it('passes the gid of a GROUP login the caller belongs to', async () => {
    const { session: s } = await backend.openSession(context, CONF.uuid.multi as never, LoginMethod.GROUP, process.getegid!(), null);
    const outputs = await backend.invokeCommand(s, CONF.CONF_CMD_GET_IDENTITY, [
      { type: T.VALUE_OUTPUT, a: 0, b: 0 },
      { type: T.MEMREF_TEMP_OUTPUT, buffer: new Uint8Array(16) },
    ]);
    expect(outputs[0].a).toBe(LoginMethod.GROUP);
    await backend.closeSession(s);
  });
});
