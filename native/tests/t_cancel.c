/* TEEC_RequestCancellation against masked and unmasked TA waits. */
#include <pthread.h>
#include <string.h>

#include "conf_helpers.h"
#include "tests.h"

/* Starts a wait command in a thread, cancels it once it waits in the TA (it
 * marked a block of ctx's shared memory), joins. False if it did not start or
 * was not seen in the TA. */
static bool wait_and_cancel(TEEC_Context *ctx, TEEC_Session *s, uint32_t cmd, uint32_t ms,
			    struct conf_bg_call *c)
{
	TEEC_SharedMemory shm;
	pthread_t th;
	bool in_ta;

	if (!conf_touch_block(ctx, &shm))
		return false;
	if (!conf_bg_marked_start(&th, c, s, cmd, ms, &shm)) {
		TEEC_ReleaseSharedMemory(&shm);
		return false;
	}
	in_ta = conf_touched(&shm, 0, 10000);
	TEEC_RequestCancellation(&c->op);
	pthread_join(th, NULL);
	TEEC_ReleaseSharedMemory(&shm);
	return in_ta;
}

void t_cancel_unmasked(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	struct conf_bg_call c;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(wait_and_cancel(&ctx, &s, CONF_CMD_WAIT_UNMASKED, 20000, &c));
	CHECK_RES(c.res, c.origin, TEEC_ERROR_CANCEL, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(c.took_ms < 10000);          /* ended early, not after 20 s */
	CHECK(c.op.params[1].value.a < 10000);
	CHECK_HEX(c.op.params[1].value.b, 1); /* the TA saw the flag */
	/* The session is usable afterwards, and a new operation is not cancelled. */
	CHECK_HEX(conf_invoke_none(&s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	{
		TEEC_Operation op;
		uint32_t origin;

		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_VALUE_INPUT;
		op.params[0].value.a = 50;
		CHECK_HEX(TEEC_InvokeCommand(&s, CONF_CMD_WAIT_UNMASKED, &op, &origin), TEEC_SUCCESS);
	}
	h_close_context_session(&ctx, &s);
}

void t_cancel_masked(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	struct conf_bg_call c;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(wait_and_cancel(&ctx, &s, CONF_CMD_WAIT_MASKED, 1500, &c));
	CHECK_RES(c.res, c.origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(c.took_ms >= 1400);                /* ran to completion */
	CHECK(c.op.params[1].value.a >= 1490);
	CHECK_HEX(c.op.params[1].value.b, 0);     /* masked: the TA sees no flag */
	h_close_context_session(&ctx, &s);
}

/* Behind the running call: with them the pipeline is full. */
#define SLOT_WAITERS (CONF_PIPELINE_DEPTH - 1)

/* A call waiting for a pipeline slot (the pipeline full of its session's
 * calls, the first hung in a masked wait) returns CANCEL from the API as soon
 * as it is cancelled, not once a slot frees. */
void t_cancel_waiting_for_slot(void)
{
	struct conf_bg_call queued[SLOT_WAITERS], extra, running;
	TEEC_SharedMemory shm;
	pthread_t t0, th[SLOT_WAITERS], te;
	TEEC_Context ctx;
	TEEC_Session s;
	int started = 0;
	bool ok, extra_started = false;
	uint64_t t_cancel = 0, took = 0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_touch_block(&ctx, &shm));
	/* The first holds the TA for 4 s; the others queue behind it in the TEE. */
	REQUIRE(conf_bg_touch_start(&t0, &running, &s, &shm, TEEC_MEMREF_WHOLE, 4000));
	ok = conf_touched(&shm, 0, 10000);
	CHECK(ok);
	for (int i = 0; ok && i < SLOT_WAITERS; i++) {
		if (!conf_bg_start(&th[i], &queued[i], &s, CONF_CMD_WAIT_MASKED, 0))
			break;
		started++;
	}
	/* All sent, waiting for their turns: the pipeline is full. */
	ok = ok && conf_bg_wait_blocked(queued, started, 10000);
	CHECK(ok);
	if (ok && started == SLOT_WAITERS && conf_bg_start(&te, &extra, &s, CONF_CMD_WAIT_MASKED, 0)) {
		extra_started = true;
		CHECK(conf_bg_wait_blocked(&extra, 1, 10000)); /* it waits for a slot */
		t_cancel = h_now_ms();
		TEEC_RequestCancellation(&extra.op);
		pthread_join(te, NULL);
		took = h_now_ms() - t_cancel;
	}
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_join(t0, NULL);
	CHECK_HEX(started, SLOT_WAITERS);
	REQUIRE(extra_started);
	CHECK_RES(extra.res, extra.origin, TEEC_ERROR_CANCEL, TEEC_ORIGIN_API);
	CHECK_HEX(extra.op.params[1].value.a, 0xA5A5A5A5u); /* never sent */
	CHECK(took < 1500); /* not when the first call's 4 s end */
	CHECK_RES(running.res, running.origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	for (int i = 0; i < started; i++)
		CHECK_RES(queued[i].res, queued[i].origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK_HEX(conf_invoke_none(&s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	TEEC_ReleaseSharedMemory(&shm);
	h_close_context_session(&ctx, &s);
}
