/*
 * Calls with temporary memrefs share their session's bounce arena one at a
 * time. One waiting for the arena holds no pipeline slot and is woken by
 * TEEC_RequestCancellation.
 */
#include <pthread.h>
#include <string.h>

#include "conf_helpers.h"
#include "tests.h"

#define TEMP_LEN 16
#define HOLD_MS 3000

/* Starts TOUCH over buf (a temporary INOUT memref: every byte + 1), then a
 * masked TEE_Wait(ms). */
static bool bg_temp_touch_start(pthread_t *th, struct conf_bg_call *c, TEEC_Session *s,
				uint8_t *buf, uint32_t ms)
{
	conf_bg_prepare(c, s, CONF_CMD_TOUCH,
			TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_VALUE_INPUT, TEEC_NONE,
					 TEEC_NONE));
	c->op.params[0].tmpref.buffer = buf;
	c->op.params[0].tmpref.size = TEMP_LEN;
	c->op.params[1].value.a = ms;
	return conf_bg_run(th, c);
}

/* Starts TOUCH over all of shm (see conf_bg_touch_start) with a temporary
 * memref beside it, which the TA ignores: once conf_touched sees the TA run
 * it, the call owns the arena, until it returns ms later. */
static bool bg_arena_holder_start(pthread_t *th, struct conf_bg_call *c, TEEC_Session *s,
				  TEEC_SharedMemory *shm, uint8_t *buf, uint32_t ms)
{
	conf_bg_touch_prepare(c, s, shm, TEEC_MEMREF_WHOLE, ms);
	c->op.paramTypes |= TEEC_PARAM_TYPES(TEEC_NONE, TEEC_NONE, TEEC_MEMREF_TEMP_INOUT, TEEC_NONE);
	c->op.params[2].tmpref.buffer = buf;
	c->op.params[2].tmpref.size = TEMP_LEN;
	return conf_bg_run(th, c);
}

static bool all_bytes(const uint8_t *buf, uint8_t v)
{
	for (size_t i = 0; i < TEMP_LEN; i++)
		if (buf[i] != v)
			return false;
	return true;
}

/* A call waiting for the arena (another call of the session holds it in a
 * 3 s masked wait) returns CANCEL from the API as soon as it is cancelled. */
void t_arena_cancel_waiting(void)
{
	uint8_t held[TEMP_LEN] = { 0 }, waiting[TEMP_LEN] = { 0 };
	struct conf_bg_call holder, waiter;
	pthread_t th_holder, th_waiter;
	TEEC_SharedMemory shm;
	TEEC_Context ctx;
	TEEC_Session s;
	uint64_t t_cancel, took;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_touch_block(&ctx, &shm));
	REQUIRE(bg_arena_holder_start(&th_holder, &holder, &s, &shm, held, HOLD_MS));
	CHECK(conf_touched(&shm, 0, 5000)); /* in the TA: it owns the arena */
	REQUIRE(bg_temp_touch_start(&th_waiter, &waiter, &s, waiting, 0));
	CHECK(conf_bg_wait_blocked(&waiter, 1, 5000)); /* waiting for the arena */
	t_cancel = h_now_ms();
	TEEC_RequestCancellation(&waiter.op);
	REQUIRE(h_join_within(th_waiter, HOLD_MS * 2));
	took = h_now_ms() - t_cancel;
	REQUIRE(h_join_within(th_holder, HOLD_MS * 3));
	CHECK_RES(waiter.res, waiter.origin, TEEC_ERROR_CANCEL, TEEC_ORIGIN_API);
	CHECK(took < HOLD_MS / 2); /* not once the holder's wait ends */
	CHECK(all_bytes(waiting, 0)); /* never reached the TA, nothing copied back */
	CHECK_RES(holder.res, holder.origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	/* The arena is free again: a later temporary call goes through. */
	CHECK(conf_transform_ok(&s, 7, 0x3C, waiting, TEMP_LEN));
	TEEC_ReleaseSharedMemory(&shm);
	h_close_context_session(&ctx, &s);
}

#define ARENA_WAITERS CONF_PIPELINE_DEPTH /* enough to fill the pipeline */

/* Calls waiting for the arena hold no pipeline slot: with a full pipeline's
 * worth of them waiting, a value call of the session is still sent, and queues
 * in the TA host behind the holder. Cancelled there it returns CANCEL from the
 * TEE once the holder is done; held back in the library it would return CANCEL
 * from the API at once. */
void t_arena_waiters_hold_no_slot(void)
{
	uint8_t held[TEMP_LEN] = { 0 }, bufs[ARENA_WAITERS][TEMP_LEN];
	struct conf_bg_call holder, waiters[ARENA_WAITERS], value;
	pthread_t th_holder, th[ARENA_WAITERS], th_value;
	TEEC_SharedMemory shm;
	TEEC_Context ctx;
	TEEC_Session s;
	int started = 0;

	memset(bufs, 0, sizeof(bufs));
	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_touch_block(&ctx, &shm));
	REQUIRE(bg_arena_holder_start(&th_holder, &holder, &s, &shm, held, HOLD_MS));
	CHECK(conf_touched(&shm, 0, 5000));
	for (int i = 0; i < ARENA_WAITERS; i++) {
		if (!bg_temp_touch_start(&th[i], &waiters[i], &s, bufs[i], 0))
			break;
		started++;
	}
	CHECK(conf_bg_wait_blocked(waiters, started, 5000)); /* all waiting for the arena */
	REQUIRE(conf_bg_start(&th_value, &value, &s, CONF_CMD_WAIT_MASKED, 0));
	CHECK(conf_bg_wait_blocked(&value, 1, 5000)); /* sent: waiting for its reply */
	TEEC_RequestCancellation(&value.op);
	REQUIRE(h_join_within(th_value, HOLD_MS * 3));
	for (int i = 0; i < started; i++)
		REQUIRE(h_join_within(th[i], HOLD_MS * 3));
	REQUIRE(h_join_within(th_holder, HOLD_MS * 3));
	CHECK_HEX(started, ARENA_WAITERS);
	CHECK_RES(value.res, value.origin, TEEC_ERROR_CANCEL, TEEC_ORIGIN_TEE);
	CHECK_HEX(value.op.params[1].value.a, 0xA5A5A5A5u); /* the TA never ran it */
	CHECK_RES(holder.res, holder.origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	for (int i = 0; i < started; i++) {
		CHECK_RES(waiters[i].res, waiters[i].origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
		CHECK(all_bytes(bufs[i], 1)); /* each its own bytes, touched once */
	}
	TEEC_ReleaseSharedMemory(&shm);
	h_close_context_session(&ctx, &s);
}
