#!/usr/bin/env node
// The seed's sample "Using Shared Memory" (docs/tizen.md): its three fragments joined, unmodified
// below the harness line except the evident typo `ctx.allocateSharedMemory` → `gContext.allocateSharedMemory`
// and the body of getNextBlockFromDataProvider, which the seed leaves to the reader: here a
// deterministic provider of 4 blocks, block k filled with the byte k.
//
// What the TA sees: the loop fills the one block 4 times before any command starts (commands run
// after the calling code returns), and shared memory is shared, not copied per command (GP), so
// the demo TA hashes the last block (all 4s) 4 times; the last command (no parameters) ends the
// stream: SHA-256 of 4 MiB of 0x04. To stream distinct blocks, fill the block for the next command
// from the success callback of the previous one (see docs/tizen.md).
// Run: node examples/tizen/shared-memory.js
require('rx-teec/tizen/register'); // harness: installs tizen.teec, the Teec* classes and enums as globals

try {
    var gContext = tizen.teec.getContext();
    var gCleanup = false;
    var gSession = null;
    var ta = '123e4567-e89b-12d3-a456-426655440000';
    /* Allocate shared memory */
    var gShm = gContext.allocateSharedMemory(1024*1024, TeecSharedMemoryFlags.INOUT);

    function cleanup() {
        if (gSession !== null) {
            gSession.close();
            gSession = null;
        }
        gContext.releaseSharedMemory(gShm);
    }

    var gBlocksLeft = 4; /* harness: the data provider's 4 blocks */
    function getNextBlockFromDataProvider() {
        /* Fill the shared memory identified by gShm */
        if (gBlocksLeft === 0) return false;
        var k = 5 - gBlocksLeft--;
        gShm.setData(new Array(gShm.size).fill(k), 0);
        return true;
    }

    function commandError(err) {
        if (gCleanup === true) cleanup();
    }

    function commandSuccess(cmd, params) {
        console.log('command ' + cmd + ': ', params);
        if (gCleanup === true) cleanup();
    }

    function sessionSuccess(session) {
        /* Session opened, the application can now communicate with the trusted application */
        gSession = session;

        /* Get data from data provider */
        while (getNextBlockFromDataProvider()) {
            var p1 = new TeecRegisteredMemory(gShm, 0, gShm.size);  /* Shared memory reference parameter */
            session.invokeCommand(1, [p1], commandSuccess, commandError);
        }
        gCleanup = true;
        session.invokeCommand(1, [], commandSuccess, commandError);
    }

    function sessionError(err) {
        console.log('openSession: ' + err.name + ': ' + err.message);
    }

    gContext.openSession(ta, TeecLoginMethod.PUBLIC, null, null, sessionSuccess, sessionError);
} catch (err) {
    console.log(err.name + ': ' + err.message);
}
