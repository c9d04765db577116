/*
 * The rx-teec conformance TA: UUIDs, command ids and data layouts shared by
 * the TA, the C conformance suite and the C benchmark (and, later, the
 * TypeScript tests, which read the same numbers).
 *
 * Six TAs are built from one source; the first four differ only in their
 * flags:
 *   CONF_TA       multi-instance (flags 0): one instance per session
 *   CONF_SI_TA    single instance, no MULTI_SESSION: a second session is BUSY
 *   CONF_SIMS_TA  single instance, multi session: sessions share the instance
 *   CONF_KA_TA    single instance, multi session, keep alive: the instance
 *                 outlives its last session
 *   CONF_HANG_TA  single instance, multi session, built with
 *                 CONF_HANG_IN_CREATE: TA_CreateEntryPoint never returns (a
 *                 stuck TA for the simulator's watchdog); no session opens
 *   CONF_HANG_MI_TA  the same hang in TA_CreateEntryPoint, multi-instance
 *                 (flags 0): each opener waits for a create of its own
 *
 * UUID initializers fit both TEEC_UUID (client) and TEE_UUID (TA).
 */
#ifndef CONFORMANCE_TA_H
#define CONFORMANCE_TA_H

#include <stdint.h>

#define CONF_TA_UUID_STR "e7e3e509-f4e1-492b-8df8-5ca20eb599f0"
#define CONF_TA_UUID \
	{ 0xe7e3e509, 0xf4e1, 0x492b, { 0x8d, 0xf8, 0x5c, 0xa2, 0x0e, 0xb5, 0x99, 0xf0 } }

#define CONF_SI_TA_UUID_STR "29156a44-69d5-4606-9992-1537012ab5dc"
#define CONF_SI_TA_UUID \
	{ 0x29156a44, 0x69d5, 0x4606, { 0x99, 0x92, 0x15, 0x37, 0x01, 0x2a, 0xb5, 0xdc } }

#define CONF_SIMS_TA_UUID_STR "cc49365f-b137-4c1c-8c3a-134a9c423227"
#define CONF_SIMS_TA_UUID \
	{ 0xcc49365f, 0xb137, 0x4c1c, { 0x8c, 0x3a, 0x13, 0x4a, 0x9c, 0x42, 0x32, 0x27 } }

#define CONF_KA_TA_UUID_STR "1c6082c6-0fe0-4e87-a3e5-2499c239e17f"
#define CONF_KA_TA_UUID \
	{ 0x1c6082c6, 0x0fe0, 0x4e87, { 0xa3, 0xe5, 0x24, 0x99, 0xc2, 0x39, 0xe1, 0x7f } }

#define CONF_HANG_TA_UUID_STR "60364951-a97f-4f4b-a411-f0185d893e37"
#define CONF_HANG_TA_UUID \
	{ 0x60364951, 0xa97f, 0x4f4b, { 0xa4, 0x11, 0xf0, 0x18, 0x5d, 0x89, 0x3e, 0x37 } }

#define CONF_HANG_MI_TA_UUID_STR "64819f99-8a8b-4e0b-91da-0cea34e0c017"
#define CONF_HANG_MI_TA_UUID \
	{ 0x64819f99, 0x8a8b, 0x4e0b, { 0x91, 0xda, 0x0c, 0xea, 0x34, 0xe0, 0xc0, 0x17 } }

/* TA_DATA_SIZE of every variant (CONF_CMD_HEAP_TEST relies on it). */
#define CONF_TA_DATA_SIZE (256 * 1024)
#define CONF_TA_VERSION "1.0"
#define CONF_TA_DESCRIPTION "rx-teec conformance TA"
/* Extension properties every variant declares. */
#define CONF_TA_EXT_STRING_NAME "org.rx-teec.conformance.string"
#define CONF_TA_EXT_STRING_VALUE "conformance"
#define CONF_TA_EXT_U32_NAME "org.rx-teec.conformance.u32"
#define CONF_TA_EXT_U32_VALUE 0x2a

/*
 * ---- Open session ----
 * p0 VALUE_INPUT with a == CONF_OPEN_REFUSE: the TA refuses with
 *    TEE_ERROR_ACCESS_DENIED (origin TRUSTED_APP).
 * p0 VALUE_INPUT with a == CONF_OPEN_WAIT_UNMASKED: the TA unmasks
 *    cancellation and waits p0.b ms; if the wait was cancelled it refuses with
 *    TEE_ERROR_CANCEL (origin TRUSTED_APP), else the session opens. If p1 is
 *    a MEMREF_INOUT, the TA adds 1 to each of its bytes before the wait: a
 *    client watching allocated shared memory sees the open in the TA.
 * p0 VALUE_INOUT: a += 1, b += 2 (written back to the client's operation).
 * Any other parameters are ignored.
 */
#define CONF_OPEN_REFUSE 0x00000BAD
#define CONF_OPEN_WAIT_UNMASKED 0x00000A17

/* ---- Commands ---- */

/* No parameters used, does nothing: the empty-invoke benchmark. */
#define CONF_CMD_NOP 0

/*
 * Transforms every parameter, whatever the types:
 *   VALUE_INPUT   the TA overwrites its copy with ~a, ~b (the client must not see it)
 *   VALUE_OUTPUT  a = CONF_OUT_VALUE_A + index, b = paramTypes as the TA saw them
 *   VALUE_INOUT   a += 1, b += 2
 *   MEMREF_INPUT  left alone (its byte sum is recorded, see CONF_CMD_GET_RECORD)
 *   MEMREF_OUTPUT every byte = CONF_OUT_FILL_BYTE + index, size unchanged
 *   MEMREF_INOUT  every byte ^= 0xFF
 */
#define CONF_CMD_TRANSFORM 1
#define CONF_OUT_VALUE_A 0x0A0A0000u
#define CONF_OUT_FILL_BYTE 0xA0u

/*
 * p0 MEMREF_OUTPUT >= sizeof(struct conf_record): what the TA saw at the
 * last invoke of this session (GET_RECORD itself is neither counted nor
 * recorded). SHORT_BUFFER with the size it needs if p0 is too small.
 */
#define CONF_CMD_GET_RECORD 2

/*
 * p0 MEMREF_OUTPUT or INOUT, p1 VALUE_INPUT a = length, b = byte.
 * If p0.size < length: p0.size = length, TEE_ERROR_SHORT_BUFFER, nothing
 * written. Else the first `length` bytes = b and p0.size = length.
 */
#define CONF_CMD_FILL 3

/* TEE_Panic(p0.a if p0 is VALUE_INPUT, else CONF_PANIC_CODE). */
#define CONF_CMD_PANIC 4
#define CONF_PANIC_CODE 0xDEAD0001u

/* Writes through a null pointer (a real crash, not a panic). */
#define CONF_CMD_CRASH 5

/*
 * p0 VALUE_INPUT a = milliseconds; optional p1 VALUE_OUTPUT a = elapsed ms,
 * b = TEE_GetCancellationFlag() after the wait; optional p2 MEMREF_INOUT: the
 * TA adds 1 to each of its bytes just before the wait, so that a client
 * watching allocated shared memory sees the call in the TA.
 * WAIT_UNMASKED calls TEE_UnmaskCancellation first and returns what TEE_Wait
 * returned (TEE_ERROR_CANCEL when cancelled); WAIT_MASKED keeps the mask and
 * runs to completion.
 */
#define CONF_CMD_WAIT_UNMASKED 6
#define CONF_CMD_WAIT_MASKED 7

/*
 * p0 VALUE_OUTPUT a = login of gpd.client.identity;
 * p1 MEMREF_OUTPUT >= 16 bytes: its UUID in RFC 4122 byte order
 * (timeLow big-endian first), p1.size = 16.
 */
#define CONF_CMD_GET_IDENTITY 8

/*
 * Reads one property. p0 VALUE_INPUT a = CONF_PROPSET_*, b = CONF_PROP_AS_*;
 * p1 MEMREF_INPUT the name (no terminating NUL needed);
 * p2 MEMREF_OUTPUT for STRING (with NUL), BINARY, UUID (16 bytes RFC 4122
 * order), IDENTITY (16 bytes of UUID, login in p3.a); p3 VALUE_OUTPUT for
 * BOOL (a), U32 (a), U64 (a low, b high). Returns what TEE_GetPropertyAs*
 * returned; on SHORT_BUFFER p2.size is the size needed.
 */
#define CONF_CMD_GET_PROPERTY 9
#define CONF_PROPSET_CURRENT_TA 0
#define CONF_PROPSET_CURRENT_CLIENT 1
#define CONF_PROPSET_TEE_IMPLEMENTATION 2
#define CONF_PROP_AS_STRING 0
#define CONF_PROP_AS_BOOL 1
#define CONF_PROP_AS_U32 2
#define CONF_PROP_AS_U64 3
#define CONF_PROP_AS_UUID 4
#define CONF_PROP_AS_IDENTITY 5
#define CONF_PROP_AS_BINARY 6

/*
 * Enumerates a property set. p0 VALUE_INPUT a = CONF_PROPSET_*;
 * p1 MEMREF_OUTPUT: the names, each followed by '\n'; SHORT_BUFFER with
 * the size needed if too small.
 */
#define CONF_CMD_LIST_PROPERTIES 10

/*
 * p0 MEMREF_INOUT: adds 1 to every byte in place (the 1 MiB benchmark).
 * Optional p1 VALUE_INPUT a = milliseconds to TEE_Wait afterwards, so a
 * client can watch allocated shared memory change while the call is still
 * running (zero copy).
 */
#define CONF_CMD_TOUCH 11

/*
 * TEE_CheckMemoryAccessRights on a chosen target.
 * p0 VALUE_INPUT a = access flags, b = CONF_ACCESS_*; p1 a memref (any
 * direction) for the PARAM targets; p2 VALUE_OUTPUT a = the result.
 */
#define CONF_CMD_CHECK_ACCESS 12
#define CONF_ACCESS_PARAM 0         /* p1's buffer and size */
#define CONF_ACCESS_HEAP 1          /* a 64-byte TEE_Malloc block */
#define CONF_ACCESS_STACK 2         /* a local array */
#define CONF_ACCESS_RODATA 3        /* a string constant */
#define CONF_ACCESS_NULL 4          /* address 0, 16 bytes */
#define CONF_ACCESS_HEAP_OVERRUN 5  /* the 64-byte block, 65 bytes */
#define CONF_ACCESS_PARAM_OVERRUN 6 /* p1's buffer, one byte past its size */

/*
 * Time and random sanity. p0 VALUE_OUTPUT a = REE time seconds, b = millis;
 * p1 VALUE_OUTPUT a = CONF_SANE_* bits, b = ms the system time advanced
 * across TEE_Wait(20).
 */
#define CONF_CMD_TIME_RANDOM 13
#define CONF_SANE_SYSTEM_TIME 0x1 /* system time advanced >= 20 ms and never back */
#define CONF_SANE_RANDOM 0x2      /* two 32-byte draws differ and are not all zero */

/*
 * p0 VALUE_OUTPUT a = instance token (random, drawn in TA_CreateEntryPoint),
 * b = sessions open on the instance now; p1 VALUE_OUTPUT a = sessions ever
 * opened on the instance, b = process id of the TA instance.
 */
#define CONF_CMD_INSTANCE_INFO 14

/*
 * Heap behaviour inside a real TA host. p0 VALUE_OUTPUT a = CONF_HEAP_* bits,
 * b = gpd.ta.dataSize as read through the property API.
 */
#define CONF_CMD_HEAP_TEST 15
#define CONF_HEAP_CAP_ENFORCED 0x1 /* TEE_Malloc(dataSize + 1) fails */
#define CONF_HEAP_ZERO_FILLED 0x2  /* TEE_Malloc(n, 0) is zeroed */
#define CONF_HEAP_REALLOC_KEEPS 0x4 /* TEE_Realloc keeps the contents */

/* Returns p0.a (VALUE_INPUT) as the command's result. */
#define CONF_CMD_RETURN 16

/*
 * No parameters. From now on this instance's TA_DestroyEntryPoint never
 * returns (cancellation masked): a TA stuck in destroy once its last session
 * closes, for the simulator's watchdog.
 */
#define CONF_CMD_HANG_IN_DESTROY 17

/*
 * p0 VALUE_INPUT a = ms. From now on this instance's TA_DestroyEntryPoint
 * waits that long (cancellation masked) before it returns: a destroy whose
 * end the client can tell from its start.
 */
#define CONF_CMD_SLOW_DESTROY 18

/* ---- What CONF_CMD_GET_RECORD returns ---- */
struct conf_param_record {
	uint32_t a;           /* value params: as received */
	uint32_t b;
	uint64_t size;        /* memref params: size as received */
	uint32_t buffer_null; /* memref params: 1 if the buffer was NULL */
	uint32_t sum;         /* memref params: sum of the bytes as received (mod 2^32);
			       * not computed for CONF_CMD_TOUCH */
};

struct conf_record {
	uint32_t invoke_count; /* invokes seen on this session, GET_RECORD excluded */
	uint32_t cmd;          /* command id of the last invoke */
	uint32_t param_types;  /* paramTypes of the last invoke, as the TA saw them */
	uint32_t reserved;
	struct conf_param_record params[4];
};

#endif /* CONFORMANCE_TA_H */
