/**
 * TeecSession on the fake backend: invokeCommand's write-back, error mapping, argument checks,
 * ordering of queued commands, close.
 */
import { TeecRegisteredMemory, TeecTempMemory, TeecValue, type TeecSession, type WebAPIError } from '../../src/tizen';
import { CMD, fakeTeec, openSession, recorder, sleep, thrown } from './support/fake';

async function setup(): Promise<{ session: TeecSession } & ReturnType<typeof fakeTeec>> {
  const f = fakeTeec();
  return { ...f, session: await openSession(f.teec) };
}

/** Invokes and waits for the one callback. */
async function invoke(session: TeecSession, cmd: number, params: unknown) {
  const r = recorder();
  const id = session.invokeCommand(cmd, params as never, r.success, r.error);
  expect(r.calls).toHaveLength(0);
  return { id, ...(await r.once()) };
}

describe('invokeCommand', () => {
  it('passes cmd and the same params array, with OUTPUT/INOUT values written back (unsigned)', async () => {
    const { session } = await setup();
    const inout = new TeecValue(10, 100);
    const input = new TeecValue(-1, 5);
    input.type = 'INPUT';
    const output = new TeecValue(0, 0);
    output.type = 'OUTPUT';
    const params = [inout, input, output];
    const { kind, args } = await invoke(session, CMD.TRANSFORM, params);
    expect(kind).toBe('success');
    expect(args[0]).toBe(CMD.TRANSFORM);
    expect(args[1]).toBe(params);
    expect({ ...inout }).toEqual({ type: 'INOUT', a: 110, b: 7 });
    expect({ ...input }).toEqual({ type: 'INPUT', a: -1, b: 5 }); // inputs are left as given
    expect({ ...output }).toEqual({ type: 'OUTPUT', a: 0xffffffff, b: 42 });
  });

  it('sends negative values as two\'s complement and gives cmd back as called', async () => {
    const { session, fake } = await setup();
    const v = new TeecValue(-2, 1);
    const { args } = await invoke(session, -0x7fffffff, [v]);
    expect(args[0]).toBe(-0x7fffffff);
    expect(fake.log.find((e) => e.op === 'invoke')).toMatchObject({ command: 0x80000001 });
    expect(v.a).toBe(0xffffffff); // (2^32 - 2) + 1, unsigned
  });

  it('writes temp memory back in place, into arrays, typed arrays and ArrayBuffers', async () => {
    const { session } = await setup();
    const array = [1, 2, 3];
    const bytes = Uint8Array.of(4, 5, 6);
    const buffer = Uint8Array.of(7, 8).buffer;
    const output = new TeecTempMemory(new Array(2));
    output.type = 'OUTPUT';
    await invoke(session, CMD.TRANSFORM, [new TeecTempMemory(array), new TeecTempMemory(bytes), new TeecTempMemory(buffer), output]);
    expect(array).toEqual([3, 2, 1]);
    expect([...bytes]).toEqual([6, 5, 4]);
    expect([...new Uint8Array(buffer)]).toEqual([8, 7]);
    expect(output.mem).toEqual([0xab, 0xab]);
  });

  it('leaves temp INPUT memory alone and writes back only the size the TA returned', async () => {
    const { session } = await setup();
    const input = new TeecTempMemory([1, 2, 3]);
    input.type = 'INPUT';
    const digest = new TeecTempMemory(new Array(40).fill(0));
    digest.type = 'OUTPUT';
    await invoke(session, CMD.DIGEST, [digest, input]);
    expect(input.mem).toEqual([1, 2, 3]);
    expect((digest.mem as number[]).slice(30)).toEqual([0x5a, 0x5a, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('sends temp memory as it was at the call (later changes are not seen by the TA)', async () => {
    const { session, sessions } = await setup();
    const data = [1, 2, 3];
    const r = recorder();
    session.invokeCommand(CMD.RECORD, [new TeecTempMemory(data)], r.success, r.error);
    data[0] = 99;
    await r.once();
    expect(sessions[0].seen).toEqual([[1, 2, 3]]);
  });

  it('accepts null, undefined and [] as no parameters and hands [] to the callback', async () => {
    const { session, fake } = await setup();
    for (const params of [null, undefined, []]) {
      const { kind, args } = await invoke(session, CMD.TRANSFORM, params);
      expect(kind).toBe('success');
      expect(args[1]).toEqual([]);
    }
    expect(fake.log.filter((e) => e.op === 'invoked').every((e) => 'code' in e && e.code === 0)).toBe(true);
  });

  it('passes registered memory (partial and whole); the TA works on the block itself', async () => {
    const { teec, session } = await setup();
    const shm = teec.getContext().allocateSharedMemory(6, 'INOUT');
    shm.setData([1, 2, 3, 4, 5, 6], 0);
    await invoke(session, CMD.TRANSFORM, [new TeecRegisteredMemory(shm, 1, 3)]);
    const out = new Array(6);
    shm.getData(out, 0);
    expect(out).toEqual([1, 4, 3, 2, 5, 6]);
    const whole = new TeecRegisteredMemory(shm, 5, 1);
    whole.type = 'WHOLE'; // offset and size are ignored
    await invoke(session, CMD.TRANSFORM, [whole]);
    shm.getData(out, 0);
    expect(out).toEqual([6, 5, 2, 3, 4, 1]);
  });

  describe('maps failures to error names, keeping the GP code and origin', () => {
    it.each([
      [CMD.REJECT, 'InvalidValuesError', 'TEEC_ERROR_BAD_PARAMETERS', 'TRUSTED_APP'],
      [CMD.UNSUPPORTED, 'NotSupportedError', 'TEEC_ERROR_NOT_SUPPORTED', 'TRUSTED_APP'],
      [CMD.GENERIC, 'AbortError', 'TEEC_ERROR_GENERIC', 'TRUSTED_APP'],
    ])('command %d → %s', async (cmd, name, codeName, originName) => {
      const { session } = await setup();
      const { kind, args } = await invoke(session, cmd, []);
      expect(kind).toBe('error');
      const err = args[0] as WebAPIError;
      expect(err).toMatchObject({ name, codeName, originName });
      expect(err.message).toMatch(codeName);
    });

    it('SHORT_BUFFER → AbortError with the size the TA asked for', async () => {
      const { session } = await setup();
      const small = new TeecTempMemory(new Array(8).fill(0));
      small.type = 'OUTPUT';
      const { args } = await invoke(session, CMD.DIGEST, [small]);
      expect(args[0]).toMatchObject({ name: 'AbortError', codeName: 'TEEC_ERROR_SHORT_BUFFER', requiredSize: 32 });
    });

    it('a dead TA → AbortError (TARGET_DEAD, origin TEE)', async () => {
      const { session, fake } = await setup();
      fake.killTa('11111111-2222-3333-4444-555555555555');
      const { args } = await invoke(session, CMD.TRANSFORM, []);
      expect(args[0]).toMatchObject({ name: 'AbortError', codeName: 'TEEC_ERROR_TARGET_DEAD', originName: 'TEE' });
    });
  });

  describe('refuses invalid arguments synchronously, without calling back', () => {
    let session: TeecSession;
    let teec: ReturnType<typeof fakeTeec>['teec'];
    beforeAll(async () => ({ session, teec } = await setup()));
    const ok = (): void => undefined;
    const valueOf = (type: string) => Object.assign(new TeecValue(1, 2), { type });

    it.each([
      ['too few arguments', () => (session.invokeCommand as (...a: unknown[]) => number)(1, []), 'TypeMismatchError'],
      ['a non-numeric cmd', () => session.invokeCommand('1' as never, [], ok), 'TypeMismatchError'],
      ['a fractional cmd', () => session.invokeCommand(1.5, [], ok), 'InvalidValuesError'],
      ['a cmd beyond uint32', () => session.invokeCommand(2 ** 32, [], ok), 'InvalidValuesError'],
      ['params that are not an array', () => session.invokeCommand(1, 'p' as never, ok), 'TypeMismatchError'],
      ['5 params', () => session.invokeCommand(1, [1, 2, 3, 4, 5].map((a) => new TeecValue(a, 0)), ok), 'InvalidValuesError'],
      ['a null param', () => session.invokeCommand(1, [null] as never, ok), 'TypeMismatchError'],
      ['a number as a param', () => session.invokeCommand(1, [5] as never, ok), 'TypeMismatchError'],
      ['a value with a memory type', () => session.invokeCommand(1, [valueOf('WHOLE')], ok), 'InvalidValuesError'],
      ['a value with a lower-case type', () => session.invokeCommand(1, [valueOf('inout')], ok), 'InvalidValuesError'],
      ['a value changed to a string', () => session.invokeCommand(1, [Object.assign(new TeecValue(1, 2), { a: '1' })], ok), 'TypeMismatchError'],
      ['a value changed out of range', () => session.invokeCommand(1, [Object.assign(new TeecValue(1, 2), { b: 2 ** 32 })], ok), 'InvalidValuesError'],
      ['temp memory with a bad type', () => session.invokeCommand(1, [Object.assign(new TeecTempMemory([1]), { type: 'PARTIAL_INPUT' })], ok), 'InvalidValuesError'],
      ['temp memory holding a non-byte', () => session.invokeCommand(1, [new TeecTempMemory([1, 256])], ok), 'InvalidValuesError'],
      ['temp memory holding a string', () => session.invokeCommand(1, [new TeecTempMemory(['a'] as never)], ok), 'TypeMismatchError'],
      ['temp memory replaced by a string', () => session.invokeCommand(1, [Object.assign(new TeecTempMemory([1]), { mem: 'x' })], ok), 'TypeMismatchError'],
      ['a missing success callback', () => session.invokeCommand(1, [], undefined as never), 'TypeMismatchError'],
      ['a non-function error callback', () => session.invokeCommand(1, [], ok, {} as never), 'TypeMismatchError'],
    ])('%s', (_what, call, name) => {
      expect(thrown(call).name).toBe(name);
    });

    it('registered memory: released, of another context, out of range, direction not allowed by the flags', () => {
      const ctx = teec.getContext();
      const released = ctx.allocateSharedMemory(4, 'INOUT');
      const p = new TeecRegisteredMemory(released, 0, 4);
      ctx.releaseSharedMemory(released);
      expect(thrown(() => session.invokeCommand(1, [p], ok)).name).toBe('InvalidValuesError');
      const foreign = new TeecRegisteredMemory(teec.getContext('other').allocateSharedMemory(4, 'INOUT'), 0, 4);
      expect(thrown(() => session.invokeCommand(1, [foreign], ok)).message).toMatch(/another TeecContext/);
      const grown = Object.assign(new TeecRegisteredMemory(ctx.allocateSharedMemory(4, 'INOUT'), 0, 4), { size: 5 });
      expect(thrown(() => session.invokeCommand(1, [grown], ok)).name).toBe('InvalidValuesError');
      const inputOnly = Object.assign(new TeecRegisteredMemory(ctx.allocateSharedMemory(4, 'INPUT'), 0, 4), { type: 'PARTIAL_OUTPUT' });
      expect(thrown(() => session.invokeCommand(1, [inputOnly], ok)).message).toMatch(/PARTIAL_OUTPUT needs a block with flags OUTPUT/);
      const notShm = Object.assign(new TeecRegisteredMemory(ctx.allocateSharedMemory(4, 'INOUT'), 0, 4), { shm: {} });
      expect(thrown(() => session.invokeCommand(1, [notShm], ok)).name).toBe('TypeMismatchError');
    });
  });
});

describe('ordering', () => {
  it('runs commands one at a time in call order; the next starts after the previous callback returned', async () => {
    const { session, fake } = await setup();
    const events: string[] = [];
    const done = recorder();
    for (let i = 0; i < 5; i++) {
      const wait = new TeecValue(5 - i, 0);
      wait.type = 'INPUT';
      session.invokeCommand(CMD.WAIT_MASKED, [wait], () => {
        events.push(`callback ${i}`);
        events.push(`invokes started so far: ${fake.log.filter((e) => e.op === 'invoke').length}`);
        if (i === 4) done.success();
      });
    }
    await done.once();
    expect(events).toEqual([0, 1, 2, 3, 4].flatMap((i) => [`callback ${i}`, `invokes started so far: ${i + 1}`]));
  });

  it('starts nothing before the calling code has returned: a loop filling one block hands the TA its last contents each time (GP: memory is shared)', async () => {
    const { teec, session, sessions } = await setup();
    const shm = teec.getContext().allocateSharedMemory(2, 'INOUT');
    const all = recorder();
    for (let block = 1; block <= 3; block++) {
      shm.setData([block, block], 0);
      session.invokeCommand(CMD.RECORD, [new TeecRegisteredMemory(shm, 0, 2)], block === 3 ? all.success : () => undefined);
    }
    await all.once();
    expect(sessions[0].seen).toEqual([
      [3, 3],
      [3, 3],
      [3, 3],
    ]);
  });

  it('close() runs after the commands already called, then invokeCommand is refused', async () => {
    const { session, fake } = await setup();
    const r = recorder();
    const wait = Object.assign(new TeecValue(30, 0), { type: 'INPUT' });
    session.invokeCommand(CMD.WAIT_MASKED, [wait], r.success, r.error);
    session.close();
    session.close(); // twice: no-op
    expect(thrown(() => session.invokeCommand(CMD.TRANSFORM, [], () => undefined)).message).toMatch(/closed session/);
    expect((await r.once()).kind).toBe('success');
    await sleep(10);
    expect(fake.open.sessions).toBe(0);
    expect(fake.log.map((e) => e.op).slice(-3)).toEqual(['invoke', 'invoked', 'closeSession']);
  });

  it('releasing a block used by queued commands lets them complete, then frees it', async () => {
    const { teec, session, fake, sessions } = await setup();
    const ctx = teec.getContext();
    const shm = ctx.allocateSharedMemory(1, 'INOUT');
    shm.setData([7], 0);
    const calls: string[] = [];
    const last = recorder();
    for (let i = 0; i < 3; i++) {
      session.invokeCommand(
        CMD.RECORD,
        [new TeecRegisteredMemory(shm, 0, 1)],
        () => {
          calls.push(`ok ${i}`);
          ctx.releaseSharedMemory(shm); // as the seed's cleanup() does from the first callback
          if (i === 2) last.success();
        },
        () => calls.push(`error ${i}`),
      );
    }
    await last.once();
    expect(calls).toEqual(['ok 0', 'ok 1', 'ok 2']);
    expect(sessions[0].seen).toEqual([[7], [7], [7]]);
    await sleep(10);
    expect(fake.open.sharedMemory).toBe(0);
  });
});
