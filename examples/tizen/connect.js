#!/usr/bin/env node
// The seed's sample "Connecting Applications" (docs/tizen.md), unmodified below the harness line.
// Run: node examples/tizen/connect.js  (the simulator starts on demand; see docs/tizen.md)
require('rx-teec/tizen/register'); // harness: installs tizen.teec, the Teec* classes and enums as globals

try {
    function sessionSuccess(session) {
        /* Session opened, the application can now communicate with the trusted application */
        console.log('session opened');
        session.close();
    }

    function sessionError(err) {
        console.log('openSession: ' + err.name + ': ' + err.message);
    }

    var ta = '123e4567-e89b-12d3-a456-426655440000'; /* UUID of the trusted application */
    var ctx = tizen.teec.getContext();
    ctx.openSession(ta, TeecLoginMethod.PUBLIC, null, null, sessionSuccess, sessionError);
} catch (err) {
    console.log(err.name + ': ' + err.message);
}
