/*
 * The seed's demo TA (the TA the Tizen samples talk to).
 * UUID 123e4567-e89b-12d3-a456-426655440000.
 *
 * Each session keeps a running stream: the SHA-256 and the byte count of
 * every byte the client has sent since the stream began.
 *
 * DEMO_CMD_PROCESS (1)
 *   With parameters (any mix, in parameter order):
 *     MEMREF_INPUT / MEMREF_INOUT  the bytes are appended to the stream
 *                                  (a temporary buffer, or registered memory
 *                                  WHOLE or PARTIAL); contents not changed
 *     VALUE_INPUT                  accepted, not used (the samples' value pair)
 *     VALUE_INOUT                  a = a + b (mod 2^32),
 *                                  b = stream byte count after this call (low 32 bits)
 *     VALUE_OUTPUT                 a, b = stream byte count after this call (low, high)
 *     MEMREF_OUTPUT                the 32-byte SHA-256 of the stream so far
 *                                  (after this call's bytes); size = 32.
 *                                  Smaller than 32: TEE_ERROR_SHORT_BUFFER with
 *                                  size 32, and the call changes nothing.
 *   With no parameters (paramTypes 0): ends the stream. Its digest and count
 *   become the session's result (DEMO_CMD_GET_RESULT) and a new, empty
 *   stream begins. Ending an empty stream gives SHA-256("") and count 0.
 *
 * DEMO_CMD_GET_RESULT (2)
 *   p0 MEMREF_OUTPUT >= 32 bytes: the SHA-256 of the last ended stream
 *   p1 VALUE_OUTPUT: a, b = its byte count (low, high 32 bits)
 *   TEE_ERROR_NO_DATA if no stream has ended yet on this session;
 *   TEE_ERROR_SHORT_BUFFER (size 32) if p0 is too small.
 *
 * Any other parameter layout: TEE_ERROR_BAD_PARAMETERS; unknown command:
 * TEE_ERROR_NOT_SUPPORTED.
 */
#ifndef DEMO_TA_H
#define DEMO_TA_H

#define DEMO_TA_UUID_STR "123e4567-e89b-12d3-a456-426655440000"
#define DEMO_TA_UUID \
	{ 0x123e4567, 0xe89b, 0x12d3, { 0xa4, 0x56, 0x42, 0x66, 0x55, 0x44, 0x00, 0x00 } }

#define DEMO_CMD_PROCESS 1
#define DEMO_CMD_GET_RESULT 2

#define DEMO_DIGEST_SIZE 32

#endif /* DEMO_TA_H */
