#!/usr/bin/env node
'use strict';
// Composing TEE calls with other async work, the RxJS way.
//
//  1. open a context and a session as resources (closed automatically at the end),
//  2. run a few commands on the session — in order, since one TA runs one command at a time,
//  3. combine the TA's answer with work done outside the TEE at the same time (a file hash and a timer),
//  4. give up on a slow command with a timeout: unsubscribing cancels it inside the TEE.
const crypto = require('node:crypto');
const fs = require('node:fs');
const { concatMap, forkJoin, from, last, map, of, switchMap, timeout, catchError, defer, firstValueFrom, timer } = require('rxjs');
const { tempInput, tempOutput, valueInout, valueInput, valueOutput } = require('rx-teec');
const { context$, invoke, session$, withResource } = require('rx-teec/operators');

const DEMO_TA = '123e4567-e89b-12d3-a456-426655440000'; // keeps a SHA-256 of the bytes it is sent
const CONFORMANCE_TA = 'e7e3e509-f4e1-492b-8df8-5ca20eb599f0'; // test TA; command 6 waits (cancellable)
const PROCESS = 1;
const GET_RESULT = 2;
const WAIT_UNMASKED = 6;

const message = Buffer.from('rx-teec composes TEE calls with everything else');
const parts = [message.subarray(0, 10), message.subarray(10, 30), message.subarray(30)];

const pipeline = withResource(context$(), (ctx) =>
  withResource(session$(ctx, DEMO_TA), (session) => {
    // The TA hashes the message, sent in three commands, one after the other.
    const taDigest$ = from(parts).pipe(
      concatMap((part) => invoke(session, PROCESS, [valueInout(1, 2), tempInput(part)])),
      last(),
      switchMap(() => invoke(session, PROCESS)), // no parameters: end the stream
      switchMap(() => invoke(session, GET_RESULT, () => [tempOutput(new Uint8Array(32)), valueOutput()])),
      map(({ params }) => ({ digest: Buffer.from(params[0].data).toString('hex'), bytes: params[1].a })),
    );
    // Meanwhile, outside the TEE: the same hash by Node, and this script's own size.
    const local$ = defer(() => of(crypto.createHash('sha256').update(message).digest('hex')));
    const fileSize$ = from(fs.promises.stat(__filename)).pipe(map((s) => s.size));
    // A command that would wait 10 s: the timeout unsubscribes, which cancels it in the TA.
    const impatient$ = withResource(session$(ctx, CONFORMANCE_TA), (s) => invoke(s, WAIT_UNMASKED, [valueInput(10_000)])).pipe(
      timeout({ first: 200 }),
      map(() => 'finished'),
      catchError((e) => of(`gave up after 200 ms (${e.name}); cancellation was requested in the TA`)),
    );
    return forkJoin({ ta: taDigest$, node: local$, fileSize: fileSize$, impatient: impatient$, tick: timer(50) });
  }),
);

firstValueFrom(pipeline)
  .then(({ ta, node, fileSize, impatient }) => {
    console.log(`TA digest   ${ta.digest} over ${ta.bytes} bytes`);
    console.log(`Node digest ${node} — ${ta.digest === node ? 'same' : 'DIFFERENT'}`);
    console.log(`this example is ${fileSize} bytes long`);
    console.log(`slow command: ${impatient}`);
    if (ta.digest !== node) process.exitCode = 1;
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
