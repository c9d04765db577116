/**
 * tizen.teec on the real backend: the native addon over the simulator, with a private daemon
 * (test/native's PrivateSim). The seed's demo TA computes what the samples send; the conformance
 * TA waits with cancellation unmasked or masked, for revokeCommand.
 */
import * as crypto from 'node:crypto';
import { LibTeecManager, TeecRegisteredMemory, TeecTempMemory, TeecValue, type TeecContext, type TeecSession, type WebAPIError } from '../../src/tizen';
import { CONF, PrivateSim, until } from '../support/simulator';
import { recorder, sleep } from './support/fake';

const DEMO_TA = '123e4567-e89b-12d3-a456-426655440000';
const DEMO_CMD_PROCESS = 1;
const DEMO_CMD_GET_RESULT = 2;

const sim = new PrivateSim();
let teec: LibTeecManager;
let ctx: TeecContext;

beforeAll(() => {
  teec = new LibTeecManager({ backend: sim.backend() });
  ctx = teec.getContext();
});
afterAll(async () => {
  await ctx.finalize();
  sim.stop();
});

function open(uuid: string): Promise<TeecSession> {
  return new Promise((resolve, reject) => ctx.openSession(uuid, 'PUBLIC', null, null, resolve, reject));
}

function invoke(session: TeecSession, cmd: number, params: unknown[]): Promise<{ kind: string; args: unknown[]; ms: number }> {
  const started = Date.now();
  const r = recorder();
  session.invokeCommand(cmd, params as never, r.success, r.error);
  return r.once().then((c) => ({ ...c, ms: Date.now() - started }));
}

const input = (a: number) => Object.assign(new TeecValue(a, 0), { type: 'INPUT' });
const output = () => Object.assign(new TeecValue(0, 0), { type: 'OUTPUT' });

describe('the demo TA', () => {
  it('computes a + b and the stream length for the seed\'s value pair and temp memory (default INOUT)', async () => {
    const session = await open(DEMO_TA);
    const v = new TeecValue(10, 100);
    const data = [1, 2, 3, 4, 45, 6, 7, 7, 7];
    const { kind, args } = await invoke(session, DEMO_CMD_PROCESS, [v, new TeecTempMemory(data)]);
    expect(kind).toBe('success');
    expect(args[0]).toBe(DEMO_CMD_PROCESS);
    expect({ ...v }).toEqual({ type: 'INOUT', a: 110, b: 9 });
    expect(data).toEqual([1, 2, 3, 4, 45, 6, 7, 7, 7]);
    session.close();
  });

  it('hashes a shared block streamed through registered memory; the digest comes back through OUTPUT temp memory', async () => {
    const session = await open(DEMO_TA);
    const shm = ctx.allocateSharedMemory(4096, 'INOUT');
    const block = Buffer.alloc(4096, 0x42);
    shm.setData(block, 0);
    expect((await invoke(session, DEMO_CMD_PROCESS, [new TeecRegisteredMemory(shm, 0, shm.size)])).kind).toBe('success');
    expect((await invoke(session, DEMO_CMD_PROCESS, [new TeecRegisteredMemory(shm, 0, 1000)])).kind).toBe('success');
    expect((await invoke(session, DEMO_CMD_PROCESS, [])).kind).toBe('success'); // ends the stream
    const digest = Object.assign(new TeecTempMemory(new Uint8Array(32)), { type: 'OUTPUT' });
    const count = output();
    expect((await invoke(session, DEMO_CMD_GET_RESULT, [digest, count])).kind).toBe('success');
    const expected = crypto.createHash('sha256').update(block).update(block.subarray(0, 1000)).digest();
    expect(Buffer.from(digest.mem as Uint8Array).equals(expected)).toBe(true);
    expect([count.a, count.b]).toEqual([5096, 0]);
    ctx.releaseSharedMemory(shm);
    session.close();
  });

  it('maps the TA\'s errors: BAD_PARAMETERS → InvalidValuesError, NOT_SUPPORTED → NotSupportedError, SHORT_BUFFER → AbortError', async () => {
    const session = await open(DEMO_TA);
    const bad = await invoke(session, DEMO_CMD_GET_RESULT, [input(1)]);
    expect(bad.args[0]).toMatchObject({ name: 'InvalidValuesError', codeName: 'TEEC_ERROR_BAD_PARAMETERS', originName: 'TRUSTED_APP' });
    const unknown = await invoke(session, 99, []);
    expect(unknown.args[0]).toMatchObject({ name: 'NotSupportedError', codeName: 'TEEC_ERROR_NOT_SUPPORTED' });
    const short = Object.assign(new TeecTempMemory(new Array(8)), { type: 'OUTPUT' });
    const shortResult = await invoke(session, DEMO_CMD_PROCESS, [short]);
    expect(shortResult.args[0]).toMatchObject({ name: 'AbortError', codeName: 'TEEC_ERROR_SHORT_BUFFER', requiredSize: 32 });
    const noData = await invoke(session, DEMO_CMD_GET_RESULT, [Object.assign(new TeecTempMemory(new Array(32)), { type: 'OUTPUT' }), output()]);
    expect(noData.args[0]).toMatchObject({ name: 'AbortError', codeName: 'TEEC_ERROR_NO_DATA' });
    session.close();
  });

  it('reports an unknown TA through the error callback (ITEM_NOT_FOUND, origin TEE)', async () => {
    const r = recorder();
    ctx.openSession('00000000-0000-0000-0000-00000000dead', 'PUBLIC', null, null, r.success, r.error);
    expect((await r.once()).args[0]).toMatchObject({ name: 'AbortError', codeName: 'TEEC_ERROR_ITEM_NOT_FOUND', originName: 'TEE' });
  });
});

describe('revokeCommand against the conformance TA', () => {
  it('cancels an invokeCommand waiting with cancellation unmasked: OperationCanceledError long before the wait ends', async () => {
    const session = await open(CONF.uuid.multi);
    const started = Date.now();
    const r = recorder();
    const id = session.invokeCommand(CONF.CONF_CMD_WAIT_UNMASKED, [input(10000), output()], r.success, r.error);
    await sleep(200);
    expect(r.calls).toHaveLength(0);
    ctx.revokeCommand(id);
    const call = await r.once();
    expect(call.kind).toBe('error');
    const err = call.args[0] as WebAPIError;
    expect([err.name, err.codeName, err.originName]).toEqual(['OperationCanceledError', 'TEEC_ERROR_CANCEL', 'TRUSTED_APP']);
    expect(Date.now() - started).toBeLessThan(5000);
    session.close();
  });

  it('a wait with cancellation masked runs to completion: success callback', async () => {
    const session = await open(CONF.uuid.multi);
    const r = recorder();
    const elapsed = output();
    const id = session.invokeCommand(CONF.CONF_CMD_WAIT_MASKED, [input(300), elapsed], r.success, r.error);
    await sleep(50);
    ctx.revokeCommand(id);
    expect((await r.once()).kind).toBe('success');
    expect(elapsed.a).toBeGreaterThanOrEqual(300);
    session.close();
  });

  it('cancels a command queued behind a running one: it never reaches the TA', async () => {
    const session = await open(CONF.uuid.multi);
    const first = recorder();
    const queued = recorder();
    session.invokeCommand(CONF.CONF_CMD_WAIT_MASKED, [input(1000), output()], first.success, first.error);
    const id = session.invokeCommand(CONF.CONF_CMD_NOP, [], queued.success, queued.error);
    ctx.revokeCommand(id);
    expect((await queued.once()).args[0]).toMatchObject({ name: 'OperationCanceledError', originName: 'API' });
    expect(first.calls).toHaveLength(0);
    expect((await first.once()).kind).toBe('success');
    session.close();
  });

  it('cancels a pending openSession (revoked before it reached the TEE)', async () => {
    const fresh = new LibTeecManager({ backend: sim.backend() }).getContext();
    const r = recorder();
    fresh.revokeCommand(fresh.openSession(CONF.uuid.multi, 'PUBLIC', null, null, r.success, r.error));
    expect((await r.once()).args[0]).toMatchObject({ name: 'OperationCanceledError', codeName: 'TEEC_ERROR_CANCEL' });
    await fresh.finalize();
  });

  it('an openSession revoked while in flight calls back exactly once (cancelled, or opened if the TA finished first)', async () => {
    const r = recorder();
    const id = ctx.openSession(CONF.uuid.multi, 'PUBLIC', null, null, r.success, r.error);
    setImmediate(() => ctx.revokeCommand(id));
    const call = await r.once();
    if (call.kind === 'success') (call.args[0] as TeecSession).close();
    else expect(call.args[0]).toMatchObject({ name: 'OperationCanceledError' });
  });

  it('leaves no session or TA instance behind once sessions are closed', async () => {
    await until(() => (sim.status()?.sessions ?? 0) === 0, 5000, 'sessions to close');
    expect(sim.status()).toMatchObject({ sessions: 0 });
  });
});
