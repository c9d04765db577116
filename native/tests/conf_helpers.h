/* Shortcuts for talking to the conformance TA from the C tests. */
#ifndef CONF_HELPERS_H
#define CONF_HELPERS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conformance_ta.h"
#include "tee_client_api.h"
#include "teec_internal.h" /* CL_PIPELINE_DEPTH */

static const TEEC_UUID conf_uuid = CONF_TA_UUID;
static const TEEC_UUID conf_si_uuid = CONF_SI_TA_UUID;
static const TEEC_UUID conf_sims_uuid = CONF_SIMS_TA_UUID;
static const TEEC_UUID conf_ka_uuid = CONF_KA_TA_UUID;
static const TEEC_UUID conf_hang_uuid = CONF_HANG_TA_UUID;
static const TEEC_UUID conf_hang_mi_uuid = CONF_HANG_MI_TA_UUID;

/* The daemon's grace before it kills an instance only dead clients (or no
 * one) need: its default, RX_TEEC_SIM_DEAD_CLIENT_GRACE_MS is not set here. */
#define CONF_GRACE_MS 2000u
/* At most this many calls of a session are in the TEE at once: the client
 * library keeps a further call waiting for a slot. An int, for test loops. */
#define CONF_PIPELINE_DEPTH ((int)CL_PIPELINE_DEPTH)

/* What the TA saw at the session's last invoke. */
TEEC_Result conf_get_record(TEEC_Session *s, struct conf_record *rec);

/* Instance token, open sessions, sessions ever, TA process id. */
TEEC_Result conf_instance_info(TEEC_Session *s, uint32_t *token, uint32_t *open_now,
			       uint32_t *ever, uint32_t *pid);

/* Invokes a command with no parameters; returns the result, origin in *origin. */
TEEC_Result conf_invoke_none(TEEC_Session *s, uint32_t cmd, uint32_t *origin);

/* TOUCH over a whole block (MEMREF_WHOLE): the TA adds 1 to every byte.
 * Returns the result; origin in *origin if not NULL. */
TEEC_Result conf_touch_whole(TEEC_Session *s, TEEC_SharedMemory *shm, uint32_t *origin);

/* Allocates size bytes of shared memory with flags into *shm (cleared first);
 * returns TEEC_AllocateSharedMemory's result. */
TEEC_Result conf_alloc_shm(TEEC_Context *ctx, TEEC_SharedMemory *shm, size_t size,
			   uint32_t flags);

/* TRANSFORM(a) over n bytes of `fill` in buf (a temporary memref): true if the
 * TA answered a + 1, a + 2 and inverted every byte. */
bool conf_transform_ok(TEEC_Session *s, uint32_t a, uint8_t fill, uint8_t *buf, size_t n);

/* One invoke on a thread of its own: s, cmd and op as the caller (or a
 * starter below) built them; res, origin and took_ms once it returned. */
struct conf_bg_call {
	TEEC_Session *s;
	uint32_t cmd;
	TEEC_Operation op; /* started = 0: cancellable */
	TEEC_Result res;
	uint32_t origin;
	uint64_t took_ms;
	pid_t tid; /* atomic: the thread's id, once it runs */
	bool done; /* atomic: set once the invoke returned */
};

/* Clears c and sets its session, command and parameter types (the parameters
 * are the caller's), for conf_bg_run. */
void conf_bg_prepare(struct conf_bg_call *c, TEEC_Session *s, uint32_t cmd, uint32_t types);

/* Starts c's invoke on a new thread; false if the thread did not start. */
bool conf_bg_run(pthread_t *th, struct conf_bg_call *c);

/* Waits up to ms until all n calls of c[] block in the client library: each
 * has begun (op.started), not returned, and its thread sleeps there (for a
 * pipeline slot, its turn or its reply). False if not by then, at once if one
 * returned. */
bool conf_bg_wait_blocked(struct conf_bg_call *c, int n, unsigned ms);
/* The same for one operation run on a thread of its own other than a
 * conf_bg_call's (an open): *tid is the thread's id (0 until it runs), *done
 * set once the operation returned (both atomic). */
bool conf_op_wait_blocked(const TEEC_Operation *op, const pid_t *tid, const bool *done,
			  unsigned ms);

/* Starts cmd(ms), a conformance wait (or any command taking p0 VALUE_INPUT
 * a = ms, p1 VALUE_OUTPUT); p1.a reads 0xA5A5A5A5 unless the TA writes it. */
bool conf_bg_start(pthread_t *th, struct conf_bg_call *c, TEEC_Session *s, uint32_t cmd,
		   uint32_t ms);
/* The same conformance wait with shm (allocated, e.g. a conf_touch_block) as
 * p2: the TA adds 1 to each of its bytes just before it waits, so
 * conf_touched(shm, was, ...) sees the call in the TA. */
bool conf_bg_marked_start(pthread_t *th, struct conf_bg_call *c, TEEC_Session *s, uint32_t cmd,
			  uint32_t ms, TEEC_SharedMemory *shm);

/* A block for conf_bg_touch_start: 4 KiB of allocated shared memory, its bytes 0. */
bool conf_touch_block(TEEC_Context *ctx, TEEC_SharedMemory *shm);
/* Starts TOUCH on all of shm (allocated: zero copy, every byte + 1), then a
 * masked TEE_Wait(ms). type is TEEC_MEMREF_WHOLE or TEEC_MEMREF_PARTIAL_INOUT.
 * The first and last bytes of shm must not change otherwise. */
bool conf_bg_touch_start(pthread_t *th, struct conf_bg_call *c, TEEC_Session *s,
			 TEEC_SharedMemory *shm, uint32_t type, uint32_t ms);
/* The same call, prepared but not started (parameters 2 and 3 are free). */
void conf_bg_touch_prepare(struct conf_bg_call *c, TEEC_Session *s, TEEC_SharedMemory *shm,
			   uint32_t type, uint32_t ms);
/* Waits up to ms for the TA to touch the block's first and last bytes (both
 * were `was`): then that call runs in the TA (its wait), and calls sent from
 * now on queue behind it. */
bool conf_touched(const TEEC_SharedMemory *shm, uint8_t was, unsigned ms);

/* One of the threads of conf_run_workers: what it works on, and its failures. */
struct conf_worker {
	TEEC_Context *ctx;
	TEEC_Session *s;
	int id;
	int failures; /* the worker counts what went wrong here */
};

/*
 * Runs n workers at once in ctx and s (either may be NULL if the workers do
 * not use it): worker i, with id first_id + i, on mains[i % n_mains]. Joins
 * them, then CHECKs that all n started and that no worker counted a failure.
 */
void conf_run_workers(TEEC_Context *ctx, TEEC_Session *s, void *(*const mains[])(void *),
		      size_t n_mains, int n, int first_id);

/*
 * Forks a client that opens a session on uuid, has 64 KiB of shared memory
 * mapped in the TA (TOUCH), then runs cmd (a conformance wait) for ms and is
 * never to return. Returns once the wait is in the TA (the child saw it mark
 * the block): the child's pid (0 on failure), its TA host's pid in *ta_pid.
 */
pid_t conf_start_doomed_client(const TEEC_UUID *uuid, uint32_t cmd, uint32_t ms,
			       uint32_t *ta_pid);
/* SIGKILLs such a client and reaps it (CHECKs it died of it); returns the time of death (ms). */
uint64_t conf_kill_client(pid_t child);

/* CHECKs that the TA host `host`, which nobody has needed since `since` (ms),
 * lives through most of the grace, is killed after it (not much later) and
 * leaves the daemon's status. */
void conf_check_killed_after_grace(uint32_t host, uint64_t since);
/* The same for n hosts, each unneeded from `since` on or soon after (their
 * waiters cancelled one after the other from then). */
void conf_check_all_killed_after_grace(const uint32_t *hosts, int n, uint64_t since);

#endif
