/**
 * tizen.teec.getContext and TeecContext on the fake backend: openSession, shared memory, the
 * context opening in the background, errors.
 */
import { LibTeecManager, TeecRegisteredMemory, TeecValue, type TeecSession, type TeecSharedMemory } from '../../src/tizen';
import { FakeBackend } from '../../src/testing/fake-backend';
import { CMD, fakeTeec, OPEN, openSession, recorder, sleep, TA, thrown, UNKNOWN_TA } from './support/fake';

describe('getContext', () => {
  it('returns the same context per TEE name, synchronously', () => {
    const { teec } = fakeTeec();
    expect(teec.getContext()).toBe(teec.getContext(null));
    expect(teec.getContext('other')).not.toBe(teec.getContext());
  });

  it('refuses a non-string name', () => {
    expect(thrown(() => fakeTeec().teec.getContext(42 as never)).name).toBe('TypeMismatchError');
  });

  it('throws NotSupportedError when no backend can be loaded', () => {
    const teec = new LibTeecManager({
      backend: () => {
        throw new Error('cannot load libteec');
      },
    });
    const e = thrown(() => teec.getContext());
    expect(e.name).toBe('NotSupportedError');
    expect(e.message).toMatch(/cannot load libteec/);
  });

  it('reports a TEE that cannot be initialized as NotSupportedError, then lets a new context try again', async () => {
    const { teec } = fakeTeec();
    const ctx = teec.getContext('no-such-tee'); // the fake knows only the default TEE
    const r = recorder();
    ctx.openSession(TA, 'PUBLIC', null, null, r.success, r.error);
    const call = await r.once();
    expect(call.kind).toBe('error');
    expect(call.args[0]).toMatchObject({ name: 'NotSupportedError', codeName: 'TEEC_ERROR_ITEM_NOT_FOUND' });
    expect(thrown(() => ctx.allocateSharedMemory(16, 'INOUT')).name).toBe('NotSupportedError');
    expect(thrown(() => ctx.openSession(TA, 'PUBLIC', null, null, () => undefined)).name).toBe('NotSupportedError');
    expect(teec.getContext('no-such-tee')).not.toBe(ctx);
  });
});

describe('openSession', () => {
  it('opens a session: success callback asynchronous, exactly once, with a TeecSession; returns a task id', async () => {
    const { teec, fake } = fakeTeec();
    const r = recorder();
    const id = teec.getContext().openSession(TA, 'PUBLIC', null, null, r.success, r.error);
    expect(typeof id).toBe('number');
    expect(id).toBeGreaterThan(0);
    expect(r.calls).toHaveLength(0); // never called synchronously
    const call = await r.once();
    expect(call.kind).toBe('success');
    const session = call.args[0] as TeecSession;
    expect(typeof session.invokeCommand).toBe('function');
    expect(fake.open.sessions).toBe(1);
  });

  it('accepts every login method and upper/lower-case UUIDs; task ids are distinct', async () => {
    const { teec } = fakeTeec();
    const ctx = teec.getContext();
    const ids = new Set<number>();
    const outcomes = await Promise.all(
      (['PUBLIC', 'USER', 'APPLICATION'] as const).map((login) => {
        const r = recorder();
        ids.add(ctx.openSession(TA.toUpperCase(), login, null, null, r.success, r.error));
        return r.settled;
      }),
    );
    const r = recorder();
    ids.add(ctx.openSession(TA, 'GROUP', 1000, [], r.success, r.error));
    outcomes.push(await r.settled);
    expect(outcomes.map((o) => o.kind)).toEqual(['success', 'success', 'success', 'success']);
    expect(ids.size).toBe(4);
  });

  it('writes OUTPUT/INOUT open parameters back', async () => {
    const { teec } = fakeTeec();
    const v = new TeecValue(1, 2);
    const r = recorder();
    teec.getContext().openSession(TA, 'PUBLIC', null, [v], r.success, r.error);
    expect((await r.once()).kind).toBe('success');
    expect([v.a, v.b]).toEqual([2, 4]);
  });

  it('passes a TA refusal to the error callback with its GP code and origin', async () => {
    const { teec } = fakeTeec();
    const v = new TeecValue(OPEN.REFUSE, 0);
    v.type = 'INPUT';
    const r = recorder();
    teec.getContext().openSession(TA, 'PUBLIC', null, [v], r.success, r.error);
    const call = await r.once();
    expect(call.kind).toBe('error');
    expect(call.args[0]).toMatchObject({ name: 'AbortError', code: 0xffff0001, codeName: 'TEEC_ERROR_ACCESS_DENIED', origin: 4, originName: 'TRUSTED_APP' });
  });

  it('reports an unknown TA as AbortError (ITEM_NOT_FOUND, origin TEE)', async () => {
    const { teec } = fakeTeec();
    const r = recorder();
    teec.getContext().openSession(UNKNOWN_TA, 'PUBLIC', null, null, r.success, r.error);
    expect((await r.once()).args[0]).toMatchObject({ name: 'AbortError', codeName: 'TEEC_ERROR_ITEM_NOT_FOUND', originName: 'TEE' });
  });

  it('drops errors silently without an error callback (as Tizen does)', async () => {
    const { teec } = fakeTeec();
    const success = jest.fn();
    teec.getContext().openSession(UNKNOWN_TA, 'PUBLIC', null, null, success);
    await sleep(20);
    expect(success).not.toHaveBeenCalled();
  });

  describe('refuses invalid arguments synchronously, without calling back', () => {
    const { teec } = fakeTeec();
    const ctx = teec.getContext();
    const ok = (): void => undefined;
    it.each([
      ['too few arguments', () => (ctx.openSession as (...a: unknown[]) => number)(TA, 'PUBLIC', null, null), 'TypeMismatchError'],
      ['a non-string UUID', () => ctx.openSession(42 as never, 'PUBLIC', null, null, ok), 'TypeMismatchError'],
      ['a malformed UUID', () => ctx.openSession('123', 'PUBLIC', null, null, ok), 'InvalidValuesError'],
      ['an unknown login method', () => ctx.openSession(TA, 'ROOT', null, null, ok), 'TypeMismatchError'],
      ['a login method as a GP number', () => ctx.openSession(TA, 0 as never, null, null, ok), 'TypeMismatchError'],
      ['non-numeric connectionData', () => ctx.openSession(TA, 'GROUP', '1000' as never, null, ok), 'TypeMismatchError'],
      ['GROUP without a group id', () => ctx.openSession(TA, 'GROUP', null, null, ok), 'InvalidValuesError'],
      ['connectionData beyond uint32', () => ctx.openSession(TA, 'GROUP', 2 ** 32, null, ok), 'InvalidValuesError'],
      ['params that are not an array', () => ctx.openSession(TA, 'PUBLIC', null, new TeecValue(1, 2) as never, ok), 'TypeMismatchError'],
      ['more than 4 params', () => ctx.openSession(TA, 'PUBLIC', null, Array.from({ length: 5 }, () => new TeecValue(1, 2)), ok), 'InvalidValuesError'],
      ['a plain object as a param', () => ctx.openSession(TA, 'PUBLIC', null, [{ type: 'INPUT', a: 1, b: 2 }] as never, ok), 'TypeMismatchError'],
      ['a missing success callback', () => ctx.openSession(TA, 'PUBLIC', null, null, null as never), 'TypeMismatchError'],
      ['a non-function error callback', () => ctx.openSession(TA, 'PUBLIC', null, null, ok, 'cb' as never), 'TypeMismatchError'],
    ])('%s', (_what, call, name) => {
      expect(thrown(call).name).toBe(name);
    });
  });
});

describe('shared memory', () => {
  it('allocates zero-filled blocks whose data can be set and read, as arrays or binary', () => {
    const { teec } = fakeTeec();
    const shm = teec.getContext().allocateSharedMemory(8, 'INOUT');
    expect(shm.size).toBe(8);
    const out = new Array(8).fill(-1);
    shm.getData(out, 0);
    expect(out).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    shm.setData([1, 2, -1], 2);
    shm.setData(Buffer.from([9]), 7);
    const bytes = new Uint8Array(8);
    shm.getData(bytes, 0);
    expect([...bytes]).toEqual([0, 0, 1, 2, 255, 0, 0, 9]);
    const tail = [0, 0];
    shm.getData(tail, 6);
    expect(tail).toEqual([0, 9]);
  });

  it('keeps staged bytes of a block allocated before the context was ready', async () => {
    const { teec, fake } = fakeTeec();
    const ctx = teec.getContext();
    const shm = ctx.allocateSharedMemory(4, 'INOUT');
    shm.setData([1, 2, 3, 4], 0);
    expect(fake.open.sharedMemory).toBe(0); // the context is still initializing
    const session = await openSession(teec);
    expect(fake.open.sharedMemory).toBe(1);
    const r = recorder();
    session.invokeCommand(CMD.TRANSFORM, [new TeecRegisteredMemory(shm, 0, 4)], r.success, r.error);
    expect((await r.once()).kind).toBe('success');
    const out = [0, 0, 0, 0];
    shm.getData(out, 0);
    expect(out).toEqual([4, 3, 2, 1]); // the fake TA reversed the block in place
  });

  it('registers caller memory (ArrayBuffer or views) and shares it without copies', async () => {
    const { teec } = fakeTeec();
    const ctx = teec.getContext();
    const memory = new Uint8Array([5, 6, 7, 8, 9]);
    const shm = ctx.registerSharedMemory(memory, 4, 'INOUT');
    expect(shm.size).toBe(4);
    const session = await openSession(teec);
    const r = recorder();
    session.invokeCommand(CMD.TRANSFORM, [new TeecRegisteredMemory(shm, 0, 4)], r.success, r.error);
    await r.once();
    expect([...memory]).toEqual([8, 7, 6, 5, 9]);
    expect(ctx.registerSharedMemory(new ArrayBuffer(16), 16, 'INPUT').size).toBe(16);
    expect(ctx.registerSharedMemory(new Uint32Array(4), 10, 'OUTPUT').size).toBe(10);
  });

  it('refuses numeric addresses with NotSupportedError and other invalid arguments', () => {
    const ctx = fakeTeec().teec.getContext();
    const numeric = thrown(() => ctx.registerSharedMemory(0x7f000000 as never, 16, 'INOUT'));
    expect(numeric.name).toBe('NotSupportedError');
    expect(numeric.message).toMatch(/numeric address/);
    expect(thrown(() => ctx.registerSharedMemory(BigInt(4096) as never, 16, 'INOUT')).name).toBe('NotSupportedError');
    expect(thrown(() => ctx.registerSharedMemory([1, 2, 3] as never, 3, 'INOUT')).name).toBe('TypeMismatchError');
    expect(thrown(() => ctx.registerSharedMemory(new Uint8Array(4), 5, 'INOUT')).name).toBe('InvalidValuesError');
    expect(thrown(() => (ctx.registerSharedMemory as (...a: unknown[]) => unknown)(new Uint8Array(4), 4)).name).toBe('TypeMismatchError');
    expect(thrown(() => ctx.allocateSharedMemory('16' as never, 'INOUT')).name).toBe('TypeMismatchError');
    expect(thrown(() => ctx.allocateSharedMemory(-1, 'INOUT')).name).toBe('InvalidValuesError');
    expect(thrown(() => ctx.allocateSharedMemory(1.5, 'INOUT')).name).toBe('InvalidValuesError');
    expect(thrown(() => ctx.allocateSharedMemory(16, 'BOTH')).name).toBe('TypeMismatchError');
    expect(thrown(() => ctx.allocateSharedMemory(16, 3 as never)).name).toBe('TypeMismatchError');
    expect(thrown(() => (ctx.allocateSharedMemory as (...a: unknown[]) => unknown)(16)).name).toBe('TypeMismatchError');
  });

  it('checks setData/getData arguments and ranges', () => {
    const shm = fakeTeec().teec.getContext().allocateSharedMemory(4, 'INOUT');
    expect(thrown(() => shm.setData([1, 2, 3], 2)).name).toBe('InvalidValuesError');
    expect(thrown(() => shm.getData(new Array(5), 0)).name).toBe('InvalidValuesError');
    const holes = new Array(2);
    shm.getData(holes, 2); // a target's old contents do not matter
    expect(holes).toEqual([0, 0]);
    expect(thrown(() => shm.setData([1, '2'] as never, 0)).name).toBe('TypeMismatchError');
    expect(thrown(() => shm.getData(new Uint8Array(5), 0)).name).toBe('InvalidValuesError');
    expect(thrown(() => shm.setData([1], -1)).name).toBe('InvalidValuesError');
    expect(thrown(() => shm.setData([1], '0' as never)).name).toBe('TypeMismatchError');
    expect(thrown(() => shm.setData('abc' as never, 0)).name).toBe('TypeMismatchError');
    expect(thrown(() => shm.setData([300], 0)).name).toBe('InvalidValuesError');
    expect(thrown(() => (shm.setData as (...a: unknown[]) => void)([1])).name).toBe('TypeMismatchError');
  });

  it('release: later uses are refused, releasing twice is a no-op, blocks of other contexts are refused', async () => {
    const { teec, fake } = fakeTeec();
    const ctx = teec.getContext();
    const shm = ctx.allocateSharedMemory(4, 'INOUT');
    await openSession(teec); // context ready, block allocated
    ctx.releaseSharedMemory(shm);
    ctx.releaseSharedMemory(shm);
    expect(thrown(() => shm.setData([1], 0)).name).toBe('InvalidValuesError');
    expect(thrown(() => shm.getData([0], 0)).name).toBe('InvalidValuesError');
    await sleep(10);
    expect(fake.open.sharedMemory).toBe(0);
    const other = teec.getContext('other');
    expect(thrown(() => other.releaseSharedMemory(ctx.allocateSharedMemory(1, 'INPUT'))).name).toBe('InvalidValuesError');
    expect(thrown(() => ctx.releaseSharedMemory({} as TeecSharedMemory)).name).toBe('TypeMismatchError');
    expect(thrown(() => (ctx.releaseSharedMemory as () => void)()).name).toBe('TypeMismatchError');
  });

  it('a block released before the context was ready is never allocated', async () => {
    const { teec, fake } = fakeTeec();
    const ctx = teec.getContext();
    ctx.releaseSharedMemory(ctx.allocateSharedMemory(4, 'INOUT'));
    await openSession(teec);
    expect(fake.log.filter((e) => e.op === 'allocate')).toHaveLength(0);
  });
});

describe('finalize (rx-teec extension)', () => {
  it('closes sessions and blocks, and the next getContext makes a new context', async () => {
    const fake = new FakeBackend().addTa(TA, { invoke: () => undefined });
    const teec = new LibTeecManager({ backend: fake });
    const ctx = teec.getContext();
    ctx.allocateSharedMemory(4, 'INOUT');
    await openSession(teec);
    await ctx.finalize();
    expect(fake.open).toEqual({ contexts: 0, sessions: 0, sharedMemory: 0 });
    expect(thrown(() => ctx.allocateSharedMemory(4, 'INOUT')).name).toBe('InvalidValuesError');
    expect(teec.getContext()).not.toBe(ctx);
  });
});
