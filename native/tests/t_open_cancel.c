/*
 * TEEC_RequestCancellation of an open (GP: the operation passed to
 * TEEC_OpenSession is cancellable like an invoke's), and a context shared by
 * threads while one of its opens waits.
 *
 * An open waits in the TEE before it reaches the TA: for its own instance's
 * TA_CreateEntryPoint, behind another opener's create, or behind another
 * session's call on a shared instance. Cancelled there, it returns CANCEL
 * (origin TEE) without entering the TA; once in TA_OpenSessionEntryPoint the
 * TA decides. The conformance_hang TAs never return from TA_CreateEntryPoint.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "conf_helpers.h"
#include "tests.h"

/* A cancelled open that does not wait for the TA returns within this. */
#define PROMPT_MS 1000u
/* Iterations of the race between a cancellation and an open completing. */
#define RACE_ROUNDS 300u

/* TEEC_OpenSession with an operation (so it can be cancelled) on a thread of
 * its own. An open that does not return in time (h_join_within fails) leaves
 * its thread behind: the test fails and its process ends. So the tests keep a
 * struct bg_open (and its context) in static storage: the thread may outlive
 * the test function's frame. */
struct bg_open {
	TEEC_Context *ctx;
	const TEEC_UUID *uuid;
	TEEC_Session s;
	TEEC_Operation op;
	TEEC_Result res;
	uint32_t origin;
	uint64_t ended_ms;
	pid_t tid; /* atomic: the thread's id, once it runs */
	bool done; /* atomic: set once the open returned */
	pthread_t th;
};

static void *bg_open_main(void *arg)
{
	struct bg_open *b = arg;

	__atomic_store_n(&b->tid, gettid(), __ATOMIC_RELEASE);
	b->res = TEEC_OpenSession(b->ctx, &b->s, b->uuid, TEEC_LOGIN_PUBLIC, NULL, &b->op,
				  &b->origin);
	b->ended_ms = h_now_ms();
	__atomic_store_n(&b->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* Clears b for an open of uuid in ctx; its operation has no parameters
 * unless the caller sets them before bg_open_run. */
static void bg_open_prepare(struct bg_open *b, TEEC_Context *ctx, const TEEC_UUID *uuid)
{
	memset(b, 0, sizeof(*b));
	b->ctx = ctx;
	b->uuid = uuid;
}

static bool bg_open_run(struct bg_open *b)
{
	return pthread_create(&b->th, NULL, bg_open_main, b) == 0;
}

/* Starts an open without parameters. */
static bool bg_open_start(struct bg_open *b, TEEC_Context *ctx, const TEEC_UUID *uuid)
{
	bg_open_prepare(b, ctx, uuid);
	return bg_open_run(b);
}

/* Allocates shm (a conf_touch_block) and starts an open of uuid in ctx with
 * CONF_OPEN_WAIT_UNMASKED: the TA marks the block (every byte + 1, which
 * conf_touched sees) and waits ms in TA_OpenSessionEntryPoint, cancellation
 * unmasked. False, with the failure recorded and the block released, if
 * either step fails. */
static bool bg_open_marked_start(struct bg_open *b, TEEC_Context *ctx, const TEEC_UUID *uuid,
				 TEEC_SharedMemory *shm, uint32_t ms)
{
	if (!conf_touch_block(ctx, shm)) {
		h_fail(__FILE__, __LINE__, "cannot allocate the open's block");
		return false;
	}
	bg_open_prepare(b, ctx, uuid);
	b->op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE);
	b->op.params[0].value.a = CONF_OPEN_WAIT_UNMASKED;
	b->op.params[0].value.b = ms;
	b->op.params[1].memref.parent = shm;
	if (bg_open_run(b))
		return true;
	h_fail(__FILE__, __LINE__, "cannot start the open");
	TEEC_ReleaseSharedMemory(shm);
	return false;
}

static bool bg_done(struct bg_open *b)
{
	return __atomic_load_n(&b->done, __ATOMIC_ACQUIRE);
}

/* Cancels an open and checks it returns CANCEL with `origin` within PROMPT_MS. */
static bool cancel_open(struct bg_open *b, uint32_t origin)
{
	uint64_t t0 = h_now_ms();

	TEEC_RequestCancellation(&b->op);
	if (!h_join_within(b->th, PROMPT_MS + 4000)) {
		h_fail(__FILE__, __LINE__, "a cancelled open did not return");
		return false;
	}
	CHECK_RES(b->res, b->origin, TEEC_ERROR_CANCEL, origin);
	if (b->ended_ms - t0 >= PROMPT_MS)
		h_fail(__FILE__, __LINE__, "a cancelled open took %llu ms to return",
		       (unsigned long long)(b->ended_ms - t0));
	return true;
}

/*
 * Two opens wait on the single-instance hang TA: the first for the create of
 * the instance it started, the second queued behind that create. Each returns
 * CANCEL (origin TEE) at once when cancelled, and no instance (no create) is
 * started for the second. With nobody waiting any more, the watchdog ends the
 * hung host after its grace.
 */
void t_open_cancel_hung_create(void)
{
	static struct bg_open first, queued;
	static TEEC_Context ctx;
	uint32_t host = 0;
	uint64_t since;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	REQUIRE(bg_open_start(&first, &ctx, &conf_hang_uuid));
	REQUIRE(h_wait_ta_pids(CONF_HANG_TA_UUID_STR, "starting", 1, &host, 1, 5000));
	REQUIRE(bg_open_start(&queued, &ctx, &conf_hang_uuid));
	/* Sent, its thread asleep for the answer: the daemon queues it behind the
	 * create before it reads the cancellation, sent after it on the same
	 * connection. */
	CHECK(conf_op_wait_blocked(&queued.op, &queued.tid, &queued.done, 10000));

	REQUIRE(cancel_open(&queued, TEEC_ORIGIN_TEE));
	CHECK(!bg_done(&first)); /* the other open still waits */
	CHECK(h_status_ta_pids(CONF_HANG_TA_UUID_STR, "starting", NULL, 0) == 1);
	/* The last waiter's cancellation starts the host's grace. */
	since = h_now_ms();
	REQUIRE(cancel_open(&first, TEEC_ORIGIN_TEE));
	/* No create started for either. */
	CHECK(h_status_ta_pids(CONF_HANG_TA_UUID_STR, "starting", NULL, 0) == 1);

	/* The daemon dropped both opens: the host is nobody's and goes. */
	conf_check_killed_after_grace(host, since);
	TEEC_FinalizeContext(&ctx);
}

/* How long the holder's call below keeps the shared instance. */
#define HOLD_MS 1500u

/*
 * An open queued in a shared instance behind another session's running call
 * (it has passed the daemon, the TA host has not read it yet) returns CANCEL,
 * origin TEE, once the call ends, without entering TA_OpenSessionEntryPoint.
 */
void t_open_cancel_queued_in_host(void)
{
	static struct conf_bg_call wait;
	static struct bg_open o;
	static TEEC_Context ctx;
	static TEEC_Session holder;
	static TEEC_SharedMemory shm;
	uint32_t ever0 = 0, ever1 = 0, open_now = 0, pid = 0;
	uint64_t t0;
	pthread_t th;

	REQUIRE(h_open_context_session(&ctx, &holder, &conf_sims_uuid));
	if (!conf_touch_block(&ctx, &shm)) {
		h_fail(__FILE__, __LINE__, "cannot allocate the holder's block");
		h_close_context_session(&ctx, &holder);
		return;
	}
	/* The holder's call touches the block, then waits masked. */
	t0 = h_now_ms();
	if (conf_instance_info(&holder, NULL, NULL, &ever0, &pid) != TEEC_SUCCESS ||
	    !conf_bg_touch_start(&th, &wait, &holder, &shm, TEEC_MEMREF_WHOLE, HOLD_MS)) {
		h_fail(__FILE__, __LINE__, "cannot start the holder's wait");
		TEEC_ReleaseSharedMemory(&shm);
		h_close_context_session(&ctx, &holder);
		return;
	}
	/* It runs in the TA, so the open queues behind it: without that the
	 * open would not wait for it, and nothing below would hold. */
	if (!conf_touched(&shm, 0, 10000)) {
		h_fail(__FILE__, __LINE__, "the holder's call did not touch its block");
		if (h_join_within(th, HOLD_MS + 5000)) {
			TEEC_ReleaseSharedMemory(&shm);
			h_close_context_session(&ctx, &holder);
		}
		return;
	}
	if (!bg_open_start(&o, &ctx, &conf_sims_uuid)) {
		h_fail(__FILE__, __LINE__, "cannot start the open");
		pthread_join(th, NULL);
		TEEC_ReleaseSharedMemory(&shm);
		h_close_context_session(&ctx, &holder);
		return;
	}
	/* The daemon answered the open (the instance lists its session), and its
	 * thread, woken by that answer, is asleep in the library again: for the
	 * answer to its TA_OPEN, which is sent and waits behind the holder's call. */
	CHECK(h_wait_ta_sessions(pid, 2, 5000) &&
	      conf_op_wait_blocked(&o.op, &o.tid, &o.done, 5000));
	TEEC_RequestCancellation(&o.op);
	/* Not joined, the thread may still write o: nothing below could be trusted. */
	REQUIRE(h_join_within(o.th, HOLD_MS + 5000));
	CHECK_RES(o.res, o.origin, TEEC_ERROR_CANCEL, TEEC_ORIGIN_TEE);
	/* Answered by the TA host, which reads it only once the holder's call ended. */
	if (o.ended_ms - t0 < HOLD_MS - 100)
		h_fail(__FILE__, __LINE__, "the open returned %llu ms in, before the holder's %u ms",
		       (unsigned long long)(o.ended_ms - t0), HOLD_MS);
	REQUIRE(h_join_within(th, 5000));
	CHECK_HEX(wait.res, TEEC_SUCCESS);
	CHECK_HEX(conf_instance_info(&holder, NULL, &open_now, &ever1, NULL), TEEC_SUCCESS);
	CHECK(ever1 == ever0); /* the TA never saw the cancelled open */
	CHECK(open_now == 1);
	TEEC_ReleaseSharedMemory(&shm);
	h_close_context_session(&ctx, &holder);
}

/*
 * Cancelled while TA_OpenSessionEntryPoint runs: the TA sees the request
 * (once it unmasked cancellation) and decides; here it refuses with CANCEL,
 * origin TRUSTED_APP, and no session is left open.
 */
void t_open_cancel_in_ta(void)
{
	static struct bg_open o;
	static TEEC_Context ctx;
	static TEEC_Session holder;
	static TEEC_SharedMemory shm;
	uint32_t open_now = 0;

	REQUIRE(h_open_context_session(&ctx, &holder, &conf_sims_uuid));
	if (!bg_open_marked_start(&o, &ctx, &conf_sims_uuid, &shm, 20000)) {
		h_close_context_session(&ctx, &holder);
		return;
	}
	/* In TA_OpenSessionEntryPoint, cancellation unmasked, waiting. */
	CHECK(conf_touched(&shm, 0, 10000));
	CHECK(!bg_done(&o));
	if (cancel_open(&o, TEEC_ORIGIN_TRUSTED_APP)) {
		CHECK_HEX(conf_instance_info(&holder, NULL, &open_now, NULL, NULL), TEEC_SUCCESS);
		CHECK(open_now == 1);
		TEEC_ReleaseSharedMemory(&shm);
	}
	h_close_context_session(&ctx, &holder);
}

/*
 * Shared memory released while an open that passed it waits in
 * TA_OpenSessionEntryPoint: the open completes, and the TA host unmaps the
 * block as it would for an opened session's (the release's FORGET pass only
 * reaches listed sessions; the open forgets what was released meanwhile).
 */
void t_open_release_shm_while_opening(void)
{
	static struct bg_open o;
	static TEEC_Context ctx;
	static TEEC_SharedMemory shm;
	uint32_t pid = 0;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	if (!bg_open_marked_start(&o, &ctx, &conf_uuid, &shm, 300)) {
		TEEC_FinalizeContext(&ctx);
		return;
	}
	/* In TA_OpenSessionEntryPoint, the block mapped in the host. */
	CHECK(conf_touched(&shm, 0, 10000));
	TEEC_ReleaseSharedMemory(&shm);
	REQUIRE(h_join_within(o.th, 10000));
	CHECK_RES(o.res, o.origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	if (o.res != TEEC_SUCCESS) {
		TEEC_FinalizeContext(&ctx);
		return;
	}
	/* A FORGET goes over the session's channel ahead of this call. */
	CHECK_HEX(conf_instance_info(&o.s, NULL, NULL, NULL, &pid), TEEC_SUCCESS);
	CHECK(pid != 0);
	CHECK(h_memfd_mapping_count((pid_t)pid, "rx-teec-shm") == 0);
	TEEC_CloseSession(&o.s);
	TEEC_FinalizeContext(&ctx);
}

/* Outcomes of the opens of a race. */
struct race {
	unsigned opened;
	unsigned cancelled;
};

/*
 * One open of uuid in ctx, cancelled `delay_us` after its operation started
 * (spinning when short, for precision). Every open either opens (SUCCESS,
 * origin TRUSTED_APP: the TA ran it; closed again here) or is cancelled
 * (CANCEL, origin API or TEE) without entering the TA. False if it hung.
 */
static bool race_round(TEEC_Context *ctx, const TEEC_UUID *uuid, unsigned delay_us,
		       struct race *r)
{
	static struct bg_open o;
	uint64_t at;

	if (!bg_open_start(&o, ctx, uuid)) {
		h_fail(__FILE__, __LINE__, "cannot start an open");
		return false;
	}
	while (!__atomic_load_n(&o.op.started, __ATOMIC_ACQUIRE) && !bg_done(&o))
		;
	at = h_now_us() + delay_us;
	if (delay_us > 1000)
		h_sleep_ms(delay_us / 1000);
	while (h_now_us() < at)
		;
	TEEC_RequestCancellation(&o.op);
	if (!h_join_within(o.th, 10000)) {
		h_fail(__FILE__, __LINE__, "a cancelled open did not return");
		return false;
	}
	if (o.res == TEEC_SUCCESS) {
		CHECK_HEX(o.origin, TEEC_ORIGIN_TRUSTED_APP);
		r->opened++;
		TEEC_CloseSession(&o.s);
	} else {
		CHECK_HEX(o.res, TEEC_ERROR_CANCEL);
		CHECK(o.origin == TEEC_ORIGIN_API || o.origin == TEEC_ORIGIN_TEE);
		r->cancelled++;
	}
	return true;
}

static void check_both_outcomes(const struct race *r)
{
	if (!r->opened || !r->cancelled)
		h_fail(__FILE__, __LINE__, "%u opened, %u cancelled", r->opened, r->cancelled);
}

/*
 * Every 25 rounds while one outcome has not been seen yet, moves the span the
 * delays are drawn from: wider with no open yet (every cancel came too early:
 * opens got slower than measured, e.g. on a loaded machine), narrower with no
 * cancel yet. Bounded to [100 us, 2 s].
 */
static void adapt_span(unsigned *span_us, const struct race *r, unsigned round)
{
	if (round % 25 != 24)
		return;
	if (!r->opened && *span_us < 1000000)
		*span_us *= 2;
	else if (!r->cancelled && *span_us > 200)
		*span_us /= 2;
}

/* Next pseudo-random delay below `max_us`. */
static unsigned next_delay(unsigned *seed, unsigned max_us)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) % max_us;
}

/* How long opening uuid takes here (the longest of three opens, in us, at
 * least 100), so that the race's cancellations spread over the whole open
 * on a fast machine as under ASan; 0 if an open fails. */
static unsigned open_time_us(TEEC_Context *ctx, const TEEC_UUID *uuid)
{
	uint64_t longest = 100;

	for (int i = 0; i < 3; i++) {
		uint64_t t0 = h_now_us(), took;
		TEEC_Session s;

		if (h_open(ctx, &s, uuid, NULL) != TEEC_SUCCESS)
			return 0;
		took = h_now_us() - t0;
		TEEC_CloseSession(&s);
		if (took > longest)
			longest = took;
	}
	return longest > 1000000 ? 1000000 : (unsigned)longest;
}

/*
 * Cancellations racing opens of a shared instance (the daemon answers at
 * once; the race is with the TA_OPEN): no session is left in the TA or the
 * daemon, and only the opens that succeeded entered TA_OpenSessionEntryPoint.
 */
void t_open_cancel_race_shared(void)
{
	static TEEC_Context ctx;
	static TEEC_Session holder;
	uint32_t ever0 = 0, ever1 = 0, open_now = 0, pid = 0;
	struct race r = { 0 };
	unsigned seed = 12345, span;

	REQUIRE(h_open_context_session(&ctx, &holder, &conf_sims_uuid));
	span = open_time_us(&ctx, &conf_sims_uuid) * 3 / 2;
	if (!span || conf_instance_info(&holder, NULL, NULL, &ever0, &pid) != TEEC_SUCCESS) {
		h_fail(__FILE__, __LINE__, "cannot open, or no instance info");
		h_close_context_session(&ctx, &holder);
		return;
	}
	for (unsigned i = 0; i < RACE_ROUNDS; i++) {
		if (!race_round(&ctx, &conf_sims_uuid, next_delay(&seed, span), &r))
			return; /* a thread is stuck: the process ends with it */
		adapt_span(&span, &r, i);
	}
	CHECK_HEX(conf_instance_info(&holder, NULL, &open_now, &ever1, NULL), TEEC_SUCCESS);
	CHECK(open_now == 1);
	if (ever1 - ever0 != r.opened)
		h_fail(__FILE__, __LINE__, "%u opens entered the TA, %u succeeded", ever1 - ever0,
		       r.opened);
	check_both_outcomes(&r);
	/* A session the daemon still held would keep the instance alive. */
	h_close_context_session(&ctx, &holder);
	CHECK(h_wait_pid_gone((pid_t)pid, 5000));
}

/*
 * Cancellations racing opens that each start an instance of their own (a
 * multi-instance TA): the cancellation meets the open in the daemon while the
 * host starts and runs TA_CreateEntryPoint, or as it is answered, or at the
 * TA_OPEN. No instance is left behind: one whose opener cancelled ends once
 * created.
 */
void t_open_cancel_race_fresh(void)
{
	static TEEC_Context ctx;
	struct race r = { 0 };
	unsigned seed = 54321, span;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	/* A host's start, load and create: a few ms, many more under ASan. */
	span = open_time_us(&ctx, &conf_uuid) * 3 / 2;
	if (!span) {
		h_fail(__FILE__, __LINE__, "cannot open");
		TEEC_FinalizeContext(&ctx);
		return;
	}
	for (unsigned i = 0; i < RACE_ROUNDS / 3; i++) {
		if (!race_round(&ctx, &conf_uuid, next_delay(&seed, span), &r))
			return;
		adapt_span(&span, &r, i);
	}
	check_both_outcomes(&r);
	TEEC_FinalizeContext(&ctx);
	/* None listed, in any state. */
	CHECK(h_wait_ta_pids(CONF_TA_UUID_STR, NULL, 0, NULL, 0, 5000));
}

/* Opens, uses and closes a session on the conformance TA, and allocates and
 * releases shared memory, in `ctx`, on a thread of its own. */
struct bg_use {
	TEEC_Context *ctx;
	bool ok;
	pthread_t th;
};

static void *bg_use_main(void *arg)
{
	struct bg_use *u = arg;
	TEEC_SharedMemory shm;
	bool ok = true;

	for (int i = 0; i < 2 && ok; i++) {
		TEEC_Session s;

		ok = h_open(u->ctx, &s, &conf_uuid, NULL) == TEEC_SUCCESS;
		if (!ok)
			break;
		ok = conf_invoke_none(&s, CONF_CMD_NOP, NULL) == TEEC_SUCCESS;
		TEEC_CloseSession(&s);
	}
	if (ok && conf_alloc_shm(u->ctx, &shm, 4096, TEEC_MEM_INPUT) == TEEC_SUCCESS)
		TEEC_ReleaseSharedMemory(&shm);
	else
		ok = false;
	u->ok = ok;
	return NULL;
}

/*
 * One thread's open waits for a create that never returns; another thread
 * opens, invokes, closes and uses shared memory on the same context
 * meanwhile, as GP allows one context to be used from several threads.
 */
void t_open_hung_context_shared(void)
{
	static struct bg_open hung;
	static struct bg_use use;
	static TEEC_Context ctx;
	uint32_t host = 0;
	uint64_t since;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	REQUIRE(bg_open_start(&hung, &ctx, &conf_hang_uuid));
	REQUIRE(h_wait_ta_pids(CONF_HANG_TA_UUID_STR, "starting", 1, &host, 1, 5000));
	/* The hung open waits in the library, reading the context's answers,
	 * before the other thread comes. */
	CHECK(conf_op_wait_blocked(&hung.op, &hung.tid, &hung.done, 10000));
	use.ctx = &ctx;
	REQUIRE(pthread_create(&use.th, NULL, bg_use_main, &use) == 0);
	/* Without it the test cannot clean up: its process ends with the threads. */
	REQUIRE(h_join_within(use.th, 5000));
	CHECK(use.ok);
	CHECK(!bg_done(&hung));
	/* Its only waiter cancelled: the host's grace starts. */
	since = h_now_ms();
	REQUIRE(cancel_open(&hung, TEEC_ORIGIN_TEE));
	TEEC_FinalizeContext(&ctx);
	conf_check_killed_after_grace(host, since);
}

/*
 * A multi-instance TA whose creates hang, never opened before: each opener
 * gets an instance of its own (its own create), whether it comes before or
 * after the first host has loaded the TA, instead of waiting for the first
 * opener's create. Each host is killed once its opener cancelled and the
 * grace is over.
 */
void t_open_hung_create_multi_instance(void)
{
	static struct bg_open o[3];
	static TEEC_Context ctx;
	uint32_t pids[3] = { 0 };
	int started = 0;
	bool cancelled = true, listed;
	uint64_t since;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	/* Two at once (the second likely before the first host reports its
	 * flags), then a third once the flags are known. */
	for (; started < 2; started++)
		if (!bg_open_start(&o[started], &ctx, &conf_hang_mi_uuid))
			break;
	CHECK(started == 2 &&
	      h_wait_ta_pids(CONF_HANG_MI_TA_UUID_STR, "starting", 2, NULL, 0, 5000));
	if (started == 2 && bg_open_start(&o[2], &ctx, &conf_hang_mi_uuid))
		started++;
	listed = started == 3 &&
		 h_wait_ta_pids(CONF_HANG_MI_TA_UUID_STR, "starting", 3, pids, 3, 5000);
	CHECK(listed);
	/* Each host's grace starts as its opener is cancelled, from here on. */
	since = h_now_ms();
	for (int i = 0; i < started; i++)
		cancelled = cancel_open(&o[i], TEEC_ORIGIN_TEE) && cancelled;
	/* Without the cancellations the test cannot clean up. */
	REQUIRE(cancelled);
	TEEC_FinalizeContext(&ctx);
	if (listed)
		conf_check_all_killed_after_grace(pids, 3, since);
}

/*
 * The context finalized by another thread while an open on it waits for a
 * create that never returns (GP leaves this undefined): the open returns
 * COMMUNICATION, origin COMMS, at once instead of hanging, and the daemon,
 * its client connection gone, drops the open; nobody waits for the hung host
 * any more, so the watchdog ends it after its grace.
 */
void t_open_finalize_wakes_waiting_open(void)
{
	static struct bg_open hung;
	static TEEC_Context ctx;
	uint32_t host = 0;
	uint64_t since;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	REQUIRE(bg_open_start(&hung, &ctx, &conf_hang_uuid));
	REQUIRE(h_wait_ta_pids(CONF_HANG_TA_UUID_STR, "starting", 1, &host, 1, 5000));
	CHECK(conf_op_wait_blocked(&hung.op, &hung.tid, &hung.done, 10000));
	since = h_now_ms();
	TEEC_FinalizeContext(&ctx);
	/* Without it the test cannot clean up: its process ends with the thread. */
	REQUIRE(h_join_within(hung.th, PROMPT_MS));
	CHECK_RES(hung.res, hung.origin, TEEC_ERROR_COMMUNICATION, TEEC_ORIGIN_COMMS);
	conf_check_killed_after_grace(host, since);
}
