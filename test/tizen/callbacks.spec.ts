/**
 * A callback that throws: the exception surfaces as an uncaught exception (as for any Node
 * callback) and the session's queue goes on. Run in a child process, where an uncaught exception
 * is not a jest failure.
 */
import { spawnSync } from 'node:child_process';
import { ensureDist, ROOT } from './support/dist';

beforeAll(ensureDist, 120_000);

const script = `
const { LibTeecManager, TeecValue } = require('rx-teec/tizen');
const { FakeBackend } = require('rx-teec/testing');
const TA = '11111111-2222-3333-4444-555555555555';
const teec = new LibTeecManager({ backend: new FakeBackend().addTa(TA, { invoke: (c) => { c.params[0].a += 1; } }) });
const seen = [];
process.on('uncaughtException', (e) => seen.push('uncaught ' + e.message));
teec.getContext().openSession(TA, 'PUBLIC', null, null, (session) => {
  session.invokeCommand(1, [new TeecValue(1, 0)], () => { seen.push('first'); throw new Error('boom'); });
  session.invokeCommand(1, [new TeecValue(10, 0)], (cmd, params) => {
    seen.push('second ' + params[0].a);
    setTimeout(() => console.log(JSON.stringify(seen)), 10);
  });
});
`;

it('an exception thrown by a callback is uncaught and does not stop the next command', () => {
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual(['first', 'uncaught boom', 'second 11']);
});
