/**
 * revokeCommand on the fake backend: pending openSession and invokeCommand (queued, waiting for
 * the context, running in a TA with cancellation unmasked or ignoring it), unknown ids.
 */
import { TeecValue, type WebAPIError } from '../../src/tizen';
import { CMD, fakeTeec, OPEN, openSession, recorder, sleep, TA, thrown } from './support/fake';

const input = (a: number) => Object.assign(new TeecValue(a, 0), { type: 'INPUT' });

describe('revokeCommand', () => {
  it('cancels a running invokeCommand whose TA honours cancellation: OperationCanceledError with the TA\'s CANCEL', async () => {
    const { teec } = fakeTeec();
    const session = await openSession(teec);
    const r = recorder();
    const id = session.invokeCommand(CMD.WAIT_UNMASKED, [], r.success, r.error);
    await sleep(10);
    expect(r.calls).toHaveLength(0);
    teec.getContext().revokeCommand(id);
    const call = await r.once();
    expect(call.kind).toBe('error');
    expect(call.args[0]).toMatchObject({ name: 'OperationCanceledError', codeName: 'TEEC_ERROR_CANCEL', originName: 'TRUSTED_APP' });
  });

  it('cancels a queued invokeCommand at once: it never reaches the TEE (CANCEL, origin API); the others still run', async () => {
    const { teec, fake } = fakeTeec();
    const session = await openSession(teec);
    const first = recorder();
    const queued = recorder();
    const third = recorder();
    session.invokeCommand(CMD.WAIT_MASKED, [input(500)], first.success, first.error); // long enough to be still running when the revoke is reported, even on a loaded machine
    const id = session.invokeCommand(CMD.TRANSFORM, [], queued.success, queued.error);
    session.invokeCommand(CMD.TRANSFORM, [], third.success, third.error);
    teec.getContext().revokeCommand(id);
    const revoked = await queued.once();
    expect(first.calls).toHaveLength(0); // reported before the command ahead of it finished
    expect(revoked.args[0]).toMatchObject({ name: 'OperationCanceledError', codeName: 'TEEC_ERROR_CANCEL', originName: 'API' });
    expect((await first.once()).kind).toBe('success');
    expect((await third.once()).kind).toBe('success');
    expect(fake.log.filter((e) => e.op === 'invoke').map((e) => 'command' in e && e.command)).toEqual([CMD.WAIT_MASKED, CMD.TRANSFORM]);
  });

  it('a TA that ignores cancellation completes: the success callback runs with its outputs (GP: cancellation is a hint)', async () => {
    const { teec } = fakeTeec();
    const session = await openSession(teec);
    const r = recorder();
    const out = Object.assign(new TeecValue(0, 0), { type: 'OUTPUT' });
    const id = session.invokeCommand(CMD.WAIT_MASKED, [input(30), out], r.success, r.error);
    await sleep(5);
    teec.getContext().revokeCommand(id);
    expect((await r.once()).kind).toBe('success');
    expect(out.a).toBe(1);
  });

  it('cancels a pending openSession in a TA that waits with cancellation unmasked', async () => {
    const { teec, fake } = fakeTeec();
    const ctx = teec.getContext();
    const r = recorder();
    const id = ctx.openSession(TA, 'PUBLIC', null, [input(OPEN.WAIT_UNMASKED)], r.success, r.error);
    await sleep(10);
    expect(r.calls).toHaveLength(0);
    ctx.revokeCommand(id);
    const call = await r.once();
    expect(call.kind).toBe('error');
    expect(call.args[0]).toMatchObject({ name: 'OperationCanceledError', code: 0xffff0002 });
    expect(fake.open.sessions).toBe(0);
  });

  it('cancels an openSession still waiting for its context: it never reaches the TEE', async () => {
    const { teec, fake } = fakeTeec();
    const ctx = teec.getContext();
    const r = recorder();
    ctx.revokeCommand(ctx.openSession(TA, 'PUBLIC', null, null, r.success, r.error)); // same turn: the context is not ready
    const err = (await r.once()).args[0] as WebAPIError;
    expect([err.name, err.originName]).toEqual(['OperationCanceledError', 'API']);
    expect(fake.log.filter((e) => e.op === 'openSession')).toHaveLength(0);
  });

  it('ignores unknown and finished task ids, and ids of other contexts', async () => {
    const { teec } = fakeTeec();
    const ctx = teec.getContext();
    const session = await openSession(teec);
    const r = recorder();
    const id = session.invokeCommand(CMD.TRANSFORM, [], r.success, r.error);
    expect(() => teec.getContext('other').revokeCommand(id)).not.toThrow();
    expect((await r.once()).kind).toBe('success');
    expect(() => ctx.revokeCommand(id)).not.toThrow();
    expect(() => ctx.revokeCommand(123456789)).not.toThrow();
    expect(() => ctx.revokeCommand(-1)).not.toThrow();
    await sleep(10);
    expect(r.calls).toHaveLength(1);
  });

  it('refuses a non-numeric id or a missing one', () => {
    const ctx = fakeTeec().teec.getContext();
    expect(thrown(() => ctx.revokeCommand('1' as never)).name).toBe('TypeMismatchError');
    expect(thrown(() => (ctx.revokeCommand as () => void)()).name).toBe('TypeMismatchError');
  });

  it('revoking twice calls back once', async () => {
    const { teec } = fakeTeec();
    const session = await openSession(teec);
    const r = recorder();
    const id = session.invokeCommand(CMD.WAIT_UNMASKED, [], r.success, r.error);
    await sleep(5);
    teec.getContext().revokeCommand(id);
    teec.getContext().revokeCommand(id);
    expect((await r.once()).kind).toBe('error');
  });
});
