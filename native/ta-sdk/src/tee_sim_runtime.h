/*
 * The contract between the simulator's TA host process (native/sim/tahost)
 * and the TA SDK library linked into it (native/ta-sdk/src).
 *
 * The TA host loads one TA (<uuid>.ta, a shared object), owns the sessions,
 * the parameter buffers shared with clients and the per-session cancellation
 * word; the SDK implements the GP Internal Core API on top of the functions
 * below. Nothing here is visible to TA authors.
 */
#ifndef TEE_SIM_RUNTIME_H
#define TEE_SIM_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tee_api_types.h"

/* ---- What every TA binary exports (emitted by ta_header.c) ---- */

#define TEE_SIM_TA_HEAD_MAGIC 0x41545852u /* "RXTA" */
#define TEE_SIM_TA_ABI_VERSION 1u

/* Property value kinds, as OP-TEE's USER_TA_PROP_TYPE_*. */
enum tee_sim_prop_type {
	TEE_SIM_PROP_BOOL = 0,     /* value: const bool *     */
	TEE_SIM_PROP_U32 = 1,      /* value: const uint32_t * */
	TEE_SIM_PROP_UUID = 2,     /* value: const TEE_UUID * */
	TEE_SIM_PROP_IDENTITY = 3, /* value: const TEE_Identity * */
	TEE_SIM_PROP_STRING = 4,   /* value: const char *     */
	TEE_SIM_PROP_BINARY = 5,   /* value: const char * (base64, as in OP-TEE) */
	TEE_SIM_PROP_U64 = 6,      /* value: const uint64_t * */
};

struct tee_sim_ta_property {
	const char *name;
	uint32_t type; /* enum tee_sim_prop_type */
	const void *value;
};

/* Exported by every TA under the symbol name "tee_sim_ta_head". */
struct tee_sim_ta_head {
	uint32_t magic;        /* TEE_SIM_TA_HEAD_MAGIC */
	uint32_t abi_version;  /* TEE_SIM_TA_ABI_VERSION */
	TEE_UUID uuid;         /* TA_UUID: must match the file name */
	uint32_t flags;        /* TA_FLAGS: TA_FLAG_SINGLE_INSTANCE | ... */
	uint32_t stack_size;   /* TA_STACK_SIZE: stack of the thread running entry points */
	uint32_t data_size;    /* TA_DATA_SIZE: ceiling of the TEE_Malloc heap */
	const char *version;     /* TA_VERSION, or NULL */
	const char *description; /* TA_DESCRIPTION, or NULL */
	const struct tee_sim_ta_property *ext_props; /* TA_CURRENT_TA_EXT_PROPERTIES */
	size_t num_ext_props;
};

#define TEE_SIM_TA_HEAD_SYMBOL "tee_sim_ta_head"

/* ---- What the TA host provides to the SDK ---- */

/* The loaded TA's header. Never NULL once the TA is loaded. */
const struct tee_sim_ta_head *tee_sim_rt_ta_head(void);

/*
 * The client identity of the session whose entry point is running
 * (login and UUID, as computed by the daemon from the client's credentials).
 * NULL inside TA_CreateEntryPoint / TA_DestroyEntryPoint.
 */
const TEE_Identity *tee_sim_rt_client_identity(void);

/*
 * Cancellation of the operation now running (GP: per operation).
 * Each entry point call starts with cancellation masked.
 */
bool tee_sim_rt_cancel_requested(void); /* raw flag, regardless of the mask */
bool tee_sim_rt_cancel_masked(void);
void tee_sim_rt_set_cancel_masked(bool masked);

/*
 * Sleeps for up to timeout_ms milliseconds (UINT32_MAX = forever).
 * Returns true early if cancellation is requested while unmasked.
 */
bool tee_sim_rt_wait(uint32_t timeout_ms);

/*
 * True if [p, p+n) lies entirely inside a memref buffer of the current
 * operation (memory the client can also see).
 */
bool tee_sim_rt_is_client_memory(const void *p, size_t n);

/*
 * Ends the TA instance: logs the code and exits the host process so that every
 * session of the instance reports TEEC_ERROR_TARGET_DEAD (origin TEE).
 */
void tee_sim_rt_panic(TEE_Result code) __attribute__((noreturn));

/* Trace sink for IMSG/DMSG/EMSG/FMSG: level 1 error .. 4 flow. */
void tee_sim_rt_trace(int level, const char *func, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* TEE_SIM_RUNTIME_H */
