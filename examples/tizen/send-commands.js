#!/usr/bin/env node
// The seed's sample "Sending Secure Commands" (docs/tizen.md), unmodified below the harness line
// except the evident typo `val cid` → `var cid`.
// The demo TA answers command 1 with the value pair a = a + b, b = bytes received (here 110 and 9).
// Run: node examples/tizen/send-commands.js
require('rx-teec/tizen/register'); // harness: installs tizen.teec, the Teec* classes and enums as globals

try {
    var gSession;

    function commandError(err) {
        gSession.close();
    }

    function commandSuccess(cmd, params) {
        console.log('command ' + cmd + ': ', params);
        gSession.close();
    }

    function sessionSuccess(session) {
        /* Session opened, the application can now communicate with the trusted application */
        gSession = session;
        var data = [1,2,3,4,45,6,7,7,7];
        var p1 = new TeecValue(10, 100); /* Integer parameters */
        var p2 = new TeecTempMemory(data); /* Temporary memory reference parameter */
        session.invokeCommand(1, [p1, p2], commandSuccess, commandError);
    }

    function sessionError(err) {
        console.log('openSession: ' + err.name + ': ' + err.message);
    }

    var ta = '123e4567-e89b-12d3-a456-426655440000';
    var ctx = tizen.teec.getContext();
    var cid = ctx.openSession(ta, TeecLoginMethod.PUBLIC, null, null, sessionSuccess, sessionError);
} catch (err) {
    console.log(err.name + ': ' + err.message);
}
