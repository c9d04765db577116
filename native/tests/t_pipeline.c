/*
 * Several threads invoking on one session at once: the client sends each call
 * while earlier ones still await their replies (the TEE queues them for the TA)
 * and gives every caller its own reply.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "conf_helpers.h"
#include "tests.h"

#define N_CALLS 150
#define BLOCK_SIZE 4096

struct pipe_worker {
	TEEC_Context *ctx;
	TEEC_Session *s;
	int id;
	int failures;
};

/* TRANSFORM through a temporary memref: values and bytes must be this call's. */
static void *transform_worker(void *arg)
{
	struct pipe_worker *w = arg;
	uint8_t buf[300];

	for (int i = 0; i < N_CALLS; i++)
		if (!conf_transform_ok(w->s, (uint32_t)(w->id * 100000 + i), (uint8_t)(w->id * 31 + i),
				       buf, sizeof(buf)))
			w->failures++;
	return NULL;
}

/* TOUCH on a block of its own (zero copy): every byte goes up by one per call. */
static void *touch_worker(void *arg)
{
	struct pipe_worker *w = arg;
	TEEC_SharedMemory shm = { .size = BLOCK_SIZE, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT };
	TEEC_Operation op;
	uint32_t origin;

	if (TEEC_AllocateSharedMemory(w->ctx, &shm) != TEEC_SUCCESS) {
		w->failures++;
		return NULL;
	}
	memset(shm.buffer, w->id, BLOCK_SIZE);
	for (int i = 0; i < N_CALLS; i++) {
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE,
						 TEEC_NONE);
		op.params[0].memref.parent = &shm;
		op.params[0].memref.size = BLOCK_SIZE;
		if (TEEC_InvokeCommand(w->s, CONF_CMD_TOUCH, &op, &origin) != TEEC_SUCCESS)
			w->failures++;
	}
	for (size_t k = 0; k < BLOCK_SIZE; k++) {
		if (((uint8_t *)shm.buffer)[k] != (uint8_t)(w->id + N_CALLS)) {
			w->failures++;
			break;
		}
	}
	TEEC_ReleaseSharedMemory(&shm);
	return NULL;
}

/* Registers a fresh block per call and releases it after: a region the TA host
 * learns with the call and forgets (TA_FORGET) between other threads' calls. */
static void *churn_worker(void *arg)
{
	struct pipe_worker *w = arg;
	uint8_t buf[512];
	TEEC_Operation op;
	uint32_t origin;

	for (int i = 0; i < N_CALLS; i++) {
		TEEC_SharedMemory shm = { .buffer = buf, .size = sizeof(buf),
					  .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT };

		memset(buf, i, sizeof(buf));
		if (TEEC_RegisterSharedMemory(w->ctx, &shm) != TEEC_SUCCESS) {
			w->failures++;
			continue;
		}
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE, TEEC_NONE);
		op.params[0].memref.parent = &shm;
		if (TEEC_InvokeCommand(w->s, CONF_CMD_TOUCH, &op, &origin) != TEEC_SUCCESS ||
		    buf[0] != (uint8_t)(i + 1) || buf[sizeof(buf) - 1] != (uint8_t)(i + 1))
			w->failures++;
		TEEC_ReleaseSharedMemory(&shm);
	}
	return NULL;
}

void t_pipeline_threads_one_session(void)
{
	void *(*const mains[])(void *) = { transform_worker, transform_worker, touch_worker,
					   touch_worker, churn_worker };
	enum { N = sizeof(mains) / sizeof(mains[0]) };
	struct pipe_worker w[N];
	pthread_t th[N];
	TEEC_Context ctx;
	TEEC_Session s;
	int started = 0, failures = 0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	for (int i = 0; i < N; i++) {
		w[i] = (struct pipe_worker){ .ctx = &ctx, .s = &s, .id = i + 1 };
		if (pthread_create(&th[i], NULL, mains[i], &w[i]) != 0)
			break;
		started++;
	}
	CHECK_HEX(started, N);
	for (int i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		failures += w[i].failures;
	}
	CHECK_HEX(failures, 0);
	/* The session is still in order afterwards. */
	CHECK_HEX(conf_invoke_none(&s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	h_close_context_session(&ctx, &s);
}

/* A call waiting in the TEE behind a masked one is cancelled there: it returns
 * CANCEL from the TEE without entering the TA (a serialized client would have
 * kept it back and answered CANCEL from the API). */
void t_pipeline_cancel_queued_in_tee(void)
{
	struct conf_bg_call first, second;
	pthread_t t1, t2;
	TEEC_Context ctx;
	TEEC_Session s;
	uint64_t t0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	t0 = h_now_ms();
	REQUIRE(conf_bg_start(&t1, &first, &s, CONF_CMD_WAIT_MASKED, 800));
	h_sleep_ms(150); /* the first is in the TA */
	if (!conf_bg_start(&t2, &second, &s, CONF_CMD_WAIT_UNMASKED, 20000)) {
		pthread_join(t1, NULL);
		REQUIRE(false);
	}
	h_sleep_ms(150); /* the second is queued behind it */
	TEEC_RequestCancellation(&second.op);
	pthread_join(t2, NULL);
	pthread_join(t1, NULL);
	CHECK_RES(first.res, first.origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK_RES(second.res, second.origin, TEEC_ERROR_CANCEL, TEEC_ORIGIN_TEE);
	CHECK_HEX(second.op.params[1].value.a, 0xA5A5A5A5u); /* the TA never ran it */
	CHECK(h_now_ms() - t0 < 10000);
	CHECK_HEX(conf_invoke_none(&s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	h_close_context_session(&ctx, &s);
}

/* The TA dies under the running call: the calls queued behind it learn it too. */
void t_pipeline_dead_ta_fails_queued(void)
{
	struct conf_bg_call first, doomed, last;
	pthread_t t1, t2, t3;
	TEEC_Context ctx;
	TEEC_Session s;
	bool ok;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_bg_start(&t1, &first, &s, CONF_CMD_WAIT_MASKED, 400));
	h_sleep_ms(100);
	ok = conf_bg_start(&t2, &doomed, &s, CONF_CMD_PANIC, 0); /* TEE_Panic(0) */
	if (ok) {
		h_sleep_ms(50);
		ok = conf_bg_start(&t3, &last, &s, CONF_CMD_NOP, 0);
		if (ok)
			pthread_join(t3, NULL);
		pthread_join(t2, NULL);
	}
	pthread_join(t1, NULL);
	REQUIRE(ok);
	CHECK_RES(first.res, first.origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK_RES(doomed.res, doomed.origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
	CHECK_RES(last.res, last.origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
	h_close_context_session(&ctx, &s);
}

#define N_QUEUED 12 /* more than a session's pipeline depth (8) */

/* The TA host dies under a running call with the pipeline full behind it and
 * more calls waiting for a slot: every waiting call is woken and fails. */
void t_pipeline_dead_wakes_all(void)
{
	struct conf_bg_call running, queued[N_QUEUED];
	pthread_t t0, th[N_QUEUED];
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t ta_pid = 0;
	int started = 0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_instance_info(&s, NULL, NULL, NULL, &ta_pid) == TEEC_SUCCESS && ta_pid);
	REQUIRE(conf_bg_start(&t0, &running, &s, CONF_CMD_WAIT_MASKED, 20000));
	h_sleep_ms(150); /* the wait is in the TA */
	for (int i = 0; i < N_QUEUED; i++) {
		if (!conf_bg_start(&th[i], &queued[i], &s, CONF_CMD_NOP, 0))
			break;
		started++;
	}
	h_sleep_ms(150); /* they wait for their turns or for slots */
	CHECK(kill((pid_t)ta_pid, SIGKILL) == 0);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_join(t0, NULL);
	CHECK_HEX(started, N_QUEUED);
	CHECK_RES(running.res, running.origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
	for (int i = 0; i < started; i++)
		CHECK_RES(queued[i].res, queued[i].origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
	h_close_context_session(&ctx, &s);
}

/* The running call and the two queued behind it are all cancelled: each is
 * told (the cancel page keeps several ids), none waits out its 20 s. */
void t_pipeline_cancel_all(void)
{
	struct conf_bg_call c[3];
	pthread_t th[3];
	TEEC_Context ctx;
	TEEC_Session s;
	int started = 0;
	uint64_t t0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	t0 = h_now_ms();
	for (int i = 0; i < 3; i++) {
		if (!conf_bg_start(&th[i], &c[i], &s, CONF_CMD_WAIT_UNMASKED, 20000))
			break;
		started++;
		h_sleep_ms(100); /* in this order: the first runs, the others queue */
	}
	/* The queued ones first: once the running one returns, the next may start. */
	for (int i = started; i-- > 0;)
		TEEC_RequestCancellation(&c[i].op);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	REQUIRE(started == 3);
	CHECK(h_now_ms() - t0 < 10000);
	CHECK_RES(c[0].res, c[0].origin, TEEC_ERROR_CANCEL, TEEC_ORIGIN_TRUSTED_APP);
	CHECK_RES(c[1].res, c[1].origin, TEEC_ERROR_CANCEL, TEEC_ORIGIN_TEE);
	CHECK_RES(c[2].res, c[2].origin, TEEC_ERROR_CANCEL, TEEC_ORIGIN_TEE);
	h_close_context_session(&ctx, &s);
}

#define N_FLOOD_THREADS 400
#define N_FLOOD_CALLS 25

static void *nop_worker(void *arg)
{
	struct pipe_worker *w = arg;

	for (int i = 0; i < N_FLOOD_CALLS; i++)
		if (conf_invoke_none(w->s, CONF_CMD_NOP, NULL) != TEEC_SUCCESS)
			w->failures++;
	return NULL;
}

/* Far more short calls in flight than the TA host may queue replies for: the
 * client keeps the pipeline shallow and the session lives. */
void t_pipeline_flood(void)
{
	struct pipe_worker w[N_FLOOD_THREADS];
	pthread_t th[N_FLOOD_THREADS];
	TEEC_Context ctx;
	TEEC_Session s;
	int started = 0, failures = 0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	for (int i = 0; i < N_FLOOD_THREADS; i++) {
		w[i] = (struct pipe_worker){ .ctx = &ctx, .s = &s, .id = i };
		if (pthread_create(&th[i], NULL, nop_worker, &w[i]) != 0)
			break;
		started++;
	}
	for (int i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		failures += w[i].failures;
	}
	CHECK_HEX(started, N_FLOOD_THREADS);
	CHECK_HEX(failures, 0);
	h_close_context_session(&ctx, &s);
}
