/**
 * Unordered invokes on the real simulator: each is a libteec call of its own, so the TEE holds
 * it while an earlier call of the session runs. Every caller still gets its own outputs; one
 * aborted while it waits in the TEE comes back CANCEL from the TEE without entering the TA;
 * closing the session cancels the running call and those queued behind it.
 */
import { ParamType as T, ReturnCode as RC, ReturnOrigin as O } from '../../src/core/constants';
import type { TeecError } from '../../src/core/errors';
import type { SessionHandle } from '../../src/core/backend';
import { CONF, CONF_RECORD_SIZE, PrivateSim, confWait, readConfRecord, settled } from '../support/simulator';

const sim = new PrivateSim();
const fixture = sim.useContext();
const open = fixture.open;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const UNORDERED = true;
const waitMs = (s: SessionHandle, ms: number, masked: boolean, signal?: AbortSignal) => confWait(fixture.backend, s, ms, masked, signal, UNORDERED);

describe('unordered invokes', () => {
  it('gives every caller its own values and bytes when many are in flight on one session', async () => {
    const s = await open();
    const n = 200;
    const buffers = Array.from({ length: n }, (_, i) => new Uint8Array(64 + i).fill(i & 0xff));
    const calls = buffers.map((buffer, i) =>
      fixture.backend.invokeCommand(
        s,
        CONF.CONF_CMD_TRANSFORM,
        [{ type: T.VALUE_INOUT, a: i, b: i }, { type: T.MEMREF_TEMP_INOUT, buffer }],
        undefined,
        UNORDERED,
      ),
    );
    const outputs = await Promise.all(calls);
    outputs.forEach((out, i) => {
      expect([out[0].a, out[0].b]).toEqual([i + 1, i + 2]);
      expect(buffers[i].every((byte) => byte === (~i & 0xff))).toBe(true);
    });
    await fixture.backend.closeSession(s);
  });

  it('cancels one that waits in the TEE behind a running call without entering the TA', async () => {
    const s = await open();
    const running = waitMs(s, 600, true);
    await sleep(150);
    const controller = new AbortController();
    const queued = settled(waitMs(s, 20000, false, controller.signal));
    await sleep(150);
    controller.abort();
    const r = await queued;
    expect(r.ok || [r.error.code, r.error.origin]).toEqual([RC.TEEC_ERROR_CANCEL, O.TEE]);
    await running;
    // The TA's last invoke was the masked wait: the cancelled one never ran.
    const record = new Uint8Array(CONF_RECORD_SIZE);
    await fixture.backend.invokeCommand(s, CONF.CONF_CMD_GET_RECORD, [{ type: T.MEMREF_TEMP_OUTPUT, buffer: record }]);
    expect(readConfRecord(record)).toEqual({ count: 1, cmd: CONF.CONF_CMD_WAIT_MASKED, a0: 600 });
    await fixture.backend.closeSession(s);
  });

  it('closeSession cancels the running call and those queued in the TEE behind it', async () => {
    const s = await open();
    const calls: Promise<{ ok: boolean; error?: TeecError }>[] = [];
    for (let i = 0; i < 3; i++) {
      calls.push(settled(waitMs(s, 20000, false)));
      await sleep(80); // in this order: the first runs, the others wait in the TEE
    }
    const t0 = Date.now();
    await fixture.backend.closeSession(s);
    expect(Date.now() - t0).toBeLessThan(5000);
    const results = (await Promise.all(calls)).map((r) => r.ok || [r.error!.code, r.error!.origin]);
    expect(results).toEqual([
      [RC.TEEC_ERROR_CANCEL, O.TRUSTED_APP],
      [RC.TEEC_ERROR_CANCEL, O.TEE],
      [RC.TEEC_ERROR_CANCEL, O.TEE],
    ]);
  });

  it('fails the calls queued behind one that killed the TA with TARGET_DEAD', async () => {
    const s = await open();
    const first = settled(waitMs(s, 300, true));
    await sleep(80);
    const doomed = settled(fixture.backend.invokeCommand(s, CONF.CONF_CMD_PANIC, null, undefined, UNORDERED));
    await sleep(40);
    const after = settled(fixture.backend.invokeCommand(s, CONF.CONF_CMD_NOP, null, undefined, UNORDERED));
    const results = (await Promise.all([first, doomed, after])).map((r) => r.ok || [r.error.code, r.error.origin]);
    expect(results).toEqual([true, [RC.TEEC_ERROR_TARGET_DEAD, O.TEE], [RC.TEEC_ERROR_TARGET_DEAD, O.TEE]]);
    await fixture.backend.closeSession(s);
  });
});
