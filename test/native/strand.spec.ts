/**
 * Per-session strands on the real simulator: invokes on one session reach the TA in the order
 * they were made, even when many are queued at once; a queued invoke aborted before it starts
 * never reaches the TA; closing cancels what is queued; sessions still run in parallel.
 */
import { ParamType as T, ReturnCode as RC, ReturnOrigin as O } from '../../src/core/constants';
import type { SessionHandle } from '../../src/core/backend';
import { CONF, CONF_RECORD_SIZE, PrivateSim, confWait, readConfRecord, settled } from '../support/simulator';

const sim = new PrivateSim();
const fixture = sim.useContext();
const open = fixture.open;
const getRecord = (s: SessionHandle, buffer: Uint8Array, signal?: AbortSignal) =>
  fixture.backend.invokeCommand(s, CONF.CONF_CMD_GET_RECORD, [{ type: T.MEMREF_TEMP_OUTPUT, buffer }], signal);
const transform = (s: SessionHandle, a: number, signal?: AbortSignal) =>
  fixture.backend.invokeCommand(s, CONF.CONF_CMD_TRANSFORM, [{ type: T.VALUE_INPUT, a, b: 0 }], signal);
const waitMs = (s: SessionHandle, ms: number, masked: boolean, signal?: AbortSignal) => confWait(fixture.backend, s, ms, masked, signal);

describe('per-session strands', () => {
  it('runs invokes queued without waiting in the order they were made', async () => {
    const s = await open();
    const n = 300;
    const records = Array.from({ length: n }, () => new Uint8Array(CONF_RECORD_SIZE));
    const calls: Promise<unknown>[] = [];
    // Each TRANSFORM(i) is followed by a GET_RECORD that must see exactly it as the last invoke.
    for (let i = 0; i < n; i++) {
      calls.push(transform(s, i));
      calls.push(getRecord(s, records[i]));
    }
    await Promise.all(calls);
    records.forEach((bytes, i) => expect(readConfRecord(bytes)).toEqual({ count: i + 1, cmd: CONF.CONF_CMD_TRANSFORM, a0: i }));
    await fixture.backend.closeSession(s);
  });

  it('never lets a queued invoke aborted before it starts reach the TA', async () => {
    const s = await open();
    const running = waitMs(s, 300, true);
    const controller = new AbortController();
    const victim = settled(transform(s, 77, controller.signal));
    const after = new Uint8Array(CONF_RECORD_SIZE);
    const next = getRecord(s, after);
    controller.abort();
    const r = await victim;
    expect(r.ok || [r.error.code, r.error.origin, r.error.message]).toEqual([RC.TEEC_ERROR_CANCEL, O.API, expect.stringContaining('before it reached the TEE')]);
    await running;
    await next;
    // The strand went on with the call after it; the TA saw the wait, not the aborted transform.
    expect(readConfRecord(after)).toEqual({ count: 1, cmd: CONF.CONF_CMD_WAIT_MASKED, a0: 300 });
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
