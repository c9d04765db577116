/**
 * Per-session strands on the real simulator: invokes on one session reach the TA in the order
 * they were made, even when many are queued at once; a queued invoke aborted before it starts
 * never reaches the TA; closing cancels what is queued; sessions still run in parallel.
 */
import { ParamType as T, ReturnCode as RC, ReturnOrigin as O } from '../../src/core/constants';
import type { TeecError } from '../../src/core/errors';
import type { SessionHandle } from '../../src/core/backend';
import { CONF, PrivateSim } from '../support/simulator';

const sim = new PrivateSim();
const fixture = sim.useContext();
const open = fixture.open;
const settled = <V>(p: Promise<V>) => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error: error as TeecError }));
const RECORD = 16 + 4 * 24;
/** invoke_count, cmd and params[0].a of a conf_record. */
const readRecord = (bytes: Uint8Array) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { count: view.getUint32(0, true), cmd: view.getUint32(4, true), a0: view.getUint32(16, true) };
};
const getRecord = (s: SessionHandle, buffer: Uint8Array, signal?: AbortSignal) =>
  fixture.backend.invokeCommand(s, CONF.CONF_CMD_GET_RECORD, [{ type: T.MEMREF_TEMP_OUTPUT, buffer }], signal);
const transform = (s: SessionHandle, a: number, signal?: AbortSignal) =>
  fixture.backend.invokeCommand(s, CONF.CONF_CMD_TRANSFORM, [{ type: T.VALUE_INPUT, a, b: 0 }], signal);
const waitMs = (s: SessionHandle, ms: number, masked: boolean, signal?: AbortSignal) =>
  fixture.backend.invokeCommand(s, masked ? CONF.CONF_CMD_WAIT_MASKED : CONF.CONF_CMD_WAIT_UNMASKED, [{ type: T.VALUE_INPUT, a: ms, b: 0 }], signal);

describe('per-session strands', () => {
  it('runs invokes queued without waiting in the order they were made', async () => {
    const s = await open();
    const n = 300;
    const records = Array.from({ length: n }, () => new Uint8Array(RECORD));
    const calls: Promise<unknown>[] = [];
    // Each TRANSFORM(i) is followed by a GET_RECORD that must see exactly it as the last invoke.
    for (let i = 0; i < n; i++) {
      calls.push(transform(s, i));
      calls.push(getRecord(s, records[i]));
    }
    await Promise.all(calls);
    records.forEach((bytes, i) => expect(readRecord(bytes)).toEqual({ count: i + 1, cmd: CONF.CONF_CMD_TRANSFORM, a0: i }));
    await fixture.backend.closeSession(s);
  });

  it('never lets a queued invoke aborted before it starts reach the TA', async () => {
    const s = await open();
    const running = waitMs(s, 300, true);
    const controller = new AbortController();
    const victim = settled(transform(s, 77, controller.signal));
    const after = new Uint8Array(RECORD);
    const next = getRecord(s, after);
    controller.abort();
    const r = await victim;
    expect(r.ok || [r.error.code, r.error.origin, r.error.message]).toEqual([RC.TEEC_ERROR_CANCEL, O.API, expect.stringContaining('before it reached the TEE')]);
    await running;
    await next;
    // The strand went on with the call after it; the TA saw the wait, not the aborted transform.
    expect(readRecord(after)).toEqual({ count: 1, cmd: CONF.CONF_CMD_WAIT_MASKED, a0: 300 });
    await fixture.backend.closeSession(s);
  });

  it('closeSession cancels the running invoke and everything queued behind it', async () => {
    const s = await open();
    const running = settled(waitMs(s, 10000, false));
    const queued = Array.from({ length: 5 }, (_, i) => settled(transform(s, i)));
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await fixture.backend.closeSession(s);
    expect(Date.now() - t0).toBeLessThan(3000);
    const r = await running;
    expect(r.ok || [r.error.code, r.error.origin]).toEqual([RC.TEEC_ERROR_CANCEL, O.TRUSTED_APP]);
    for (const q of await Promise.all(queued)) expect(q.ok || [q.error.code, q.error.origin]).toEqual([RC.TEEC_ERROR_CANCEL, O.API]);
  });

  it('keeps sessions independent: a long call on one does not hold up another', async () => {
    const slow = await open();
    const fast = await open();
    const long = waitMs(slow, 800, true);
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) await transform(fast, i);
    expect(Date.now() - t0).toBeLessThan(700);
    await long;
    await fixture.backend.closeSession(slow);
    await fixture.backend.closeSession(fast);
  });
});
