import { ReplaySubject, share, switchMap, take } from 'rxjs';
import { Context, ReturnCode, valueInout, whole } from '../../src/core';
import { context$, invoke, retryOnTargetDead, session$, sharedMemory$, withResource } from '../../src/operators';
import { FakeBackend } from '../../src/testing';
import { createMarbles } from '../support/async-marbles';

const TA = '11111111-2222-3333-4444-555555555555';

function setup(latency = { open: 2, invoke: 3 }) {
  const m = createMarbles();
  const fake = new FakeBackend({ latency: ({ op }) => m.sleep(latency[op]) });
  fake.addTa(TA, {
    invoke(call) {
      call.params[0].a += 1;
    },
  });
  return { m, fake };
}

describe('resource Observables (marbles, fake backend)', () => {
  it('open on subscribe, emit once, close on unsubscribe', async () => {
    const { m, fake } = setup();
    const ctx = await Context.open({ backend: fake });
    const rec = m.record(session$(ctx, TA), 6);
    await m.flush();
    expect(rec.messages).toEqual(m.expected('--s', { s: expect.anything() }));
    expect(fake.log.map((e) => e.op)).toEqual(['initializeContext', 'openSession', 'closeSession']);
    expect(fake.open.sessions).toBe(0);
    await ctx.close();
  });

  it('unsubscribing while the session opens closes it once open, never emitting', async () => {
    const { m, fake } = setup({ open: 5, invoke: 1 });
    const ctx = await Context.open({ backend: fake });
    const rec = m.record(session$(ctx, TA), 2);
    await m.flush();
    expect(rec.messages).toEqual([]);
    expect(fake.log.map((e) => e.op)).toEqual(['initializeContext', 'openSession', 'closeSession']);
    await ctx.close();
  });

  it('tears down children before parents whatever the order of unsubscription', async () => {
    const { m, fake } = setup();
    const pipeline = context$({ backend: fake }).pipe(
      switchMap((ctx) => session$(ctx, TA).pipe(switchMap((s) => sharedMemory$(ctx, 64).pipe(switchMap((shm) => invoke(s, 7, [whole(shm)])))))),
    );
    const rec = m.record(pipeline, 4); // unsubscribe while the invoke runs
    await m.flush();
    expect(rec.messages).toEqual([]);
    const ops = fake.log.map((e) => e.op);
    expect(ops.slice(0, 6)).toEqual(['initializeContext', 'openSession', 'allocate', 'invoke', 'cancel', 'invoked']);
    // Nothing is freed under the call in flight; children go before their parent.
    expect(ops.slice(6, 8).sort()).toEqual(['closeSession', 'release']);
    expect(ops[8]).toBe('finalizeContext');
    expect(fake.open).toEqual({ contexts: 0, sessions: 0, sharedMemory: 0 });
  });

  it('unsubscribing the parent first still closes the child first', async () => {
    const { m, fake } = setup();
    let sessionSub: import('rxjs').Subscription | undefined;
    const ctxRec = m.record(context$({ backend: fake }), 4); // the context's subscriber leaves at 4...
    await m.flush(1); // the first context is open now
    const ctx = ctxRec.messages[0].notification.value as Context;
    sessionSub = session$(ctx, TA).subscribe(); // ...while its session's subscriber stays until 9
    m.scheduler.schedule(() => sessionSub!.unsubscribe(), 9 * m.F);
    await m.flush();
    const ops = fake.log.map((e) => e.op);
    expect(ops).toEqual(['initializeContext', 'openSession', 'closeSession', 'finalizeContext']);
    expect(fake.open.sessions).toBe(0);
  });

  it('invoke emits the result and completes; withResource closes everything after', async () => {
    const { m, fake } = setup();
    const pipeline = withResource(context$({ backend: fake }), (ctx) => withResource(session$(ctx, TA), (s) => invoke(s, 1, [valueInout(41, 0)])));
    const rec = m.record(pipeline);
    await m.flush();
    // context at 0, session open 2 chars, invoke 3 chars
    expect(rec.messages).toEqual(m.expected('-----(r|)', { r: expect.objectContaining({ command: 1 }) }));
    expect((rec.messages[0].notification.value as { params: { a: number }[] }).params[0].a).toBe(42);
    expect(fake.open).toEqual({ contexts: 0, sessions: 0, sharedMemory: 0 });
  });

  it('shares one session among subscribers: opened once, closed with the last', async () => {
    const { m, fake } = setup();
    const ctx = await Context.open({ backend: fake });
    const shared$ = session$(ctx, TA).pipe(share({ connector: () => new ReplaySubject(1), resetOnRefCountZero: true }));
    const a = m.record(shared$, 5);
    const b = m.record(shared$, 8);
    await m.flush();
    expect(a.messages).toHaveLength(1);
    expect(b.messages).toHaveLength(1);
    expect(a.messages[0].notification.value).toBe(b.messages[0].notification.value);
    const ops = fake.log.map((e) => e.op);
    expect(ops.filter((o) => o === 'openSession')).toHaveLength(1);
    expect(ops.filter((o) => o === 'closeSession')).toHaveLength(1);
    await ctx.close();
  });

  it('reopens the session after TARGET_DEAD with retryOnTargetDead', async () => {
    const { m, fake } = setup({ open: 1, invoke: 1 });
    const ctx = await Context.open({ backend: fake });
    let opened = 0;
    const pipeline = session$(ctx, TA).pipe(
      switchMap((s) => {
        if (++opened === 1) fake.killTa(TA);
        return invoke(s, 1, [valueInout(1, 0)]);
      }),
      take(1),
      retryOnTargetDead({ count: 2, delayMs: 10, scheduler: m.scheduler }),
    );
    const rec = m.record(pipeline);
    await m.flush();
    expect(rec.messages.map((x) => x.notification.kind)).toEqual(['N', 'C']);
    expect(opened).toBe(2);
    const ops = fake.log.map((e) => e.op);
    expect(ops.filter((o) => o === 'openSession')).toHaveLength(2);
    expect(ops.filter((o) => o === 'closeSession')).toHaveLength(2);
    await ctx.close();
  });

  it('passes other errors through retryOnTargetDead', async () => {
    const { m, fake } = setup({ open: 1, invoke: 1 });
    const ctx = await Context.open({ backend: fake });
    const rec = m.record(session$(ctx, '00000000-0000-0000-0000-000000000000').pipe(retryOnTargetDead({ count: 3 })));
    await m.flush();
    expect(rec.messages).toHaveLength(1);
    expect(rec.messages[0].notification.error).toMatchObject({ code: ReturnCode.TEEC_ERROR_ITEM_NOT_FOUND });
    await ctx.close();
  });
});
