/* TA instances: panic and crash, multi/single instance, BUSY, keep alive, an
 * instance ending inside the close of its last session. */
#include <signal.h>
#include <string.h>

#include "conf_helpers.h"
#include "tests.h"

/* Checks that a session of a dead instance keeps answering TARGET_DEAD/TEE. */
static void check_dead(TEEC_Session *s)
{
	uint32_t origin = 0;

	CHECK_RES(conf_invoke_none(s, CONF_CMD_NOP, &origin), origin, TEEC_ERROR_TARGET_DEAD,
		  TEEC_ORIGIN_TEE);
	origin = 0;
	CHECK_RES(conf_invoke_none(s, CONF_CMD_NOP, &origin), origin, TEEC_ERROR_TARGET_DEAD,
		  TEEC_ORIGIN_TEE);
}

static void kill_and_recover(uint32_t cmd)
{
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t origin = 0, pid = 0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_instance_info(&s, NULL, NULL, NULL, &pid) == TEEC_SUCCESS);
	CHECK(pid > 0 && h_pid_alive((pid_t)pid));
	CHECK_RES(conf_invoke_none(&s, cmd, &origin), origin, TEEC_ERROR_TARGET_DEAD,
		  TEEC_ORIGIN_TEE);
	check_dead(&s);
	CHECK(h_wait_pid_gone((pid_t)pid, 5000)); /* the instance's process is gone */
	TEEC_CloseSession(&s); /* close still works */

	CHECK_HEX(h_open(&ctx, &s, &conf_uuid, NULL), TEEC_SUCCESS); /* reopen works */
	CHECK_HEX(conf_invoke_none(&s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	h_close_context_session(&ctx, &s);
}

void t_panic_target_dead(void)
{
	kill_and_recover(CONF_CMD_PANIC);
}

void t_crash_target_dead(void)
{
	kill_and_recover(CONF_CMD_CRASH);
}

void t_multi_instance_isolation(void)
{
	TEEC_Context ctx;
	TEEC_Session a, b;
	uint32_t ta = 0, tb = 0, pa = 0, pb = 0, open_a = 0;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	REQUIRE(h_open(&ctx, &a, &conf_uuid, NULL) == TEEC_SUCCESS);
	REQUIRE(h_open(&ctx, &b, &conf_uuid, NULL) == TEEC_SUCCESS);
	CHECK_HEX(conf_instance_info(&a, &ta, &open_a, NULL, &pa), TEEC_SUCCESS);
	CHECK_HEX(conf_instance_info(&b, &tb, NULL, NULL, &pb), TEEC_SUCCESS);
	CHECK(ta != tb);   /* an instance each */
	CHECK(pa != pb);   /* in a process each */
	CHECK_HEX(open_a, 1);
	/* One dies, the other lives on. */
	CHECK_HEX(conf_invoke_none(&a, CONF_CMD_PANIC, NULL), TEEC_ERROR_TARGET_DEAD);
	CHECK_HEX(conf_invoke_none(&b, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	TEEC_CloseSession(&a);
	TEEC_CloseSession(&b);
	TEEC_FinalizeContext(&ctx);
}

void t_single_instance_sharing(void)
{
	TEEC_Context ctx;
	TEEC_Session a, b, c;
	uint32_t ta = 0, tb = 0, open_now = 0, pa = 0, pb = 0;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	REQUIRE(h_open(&ctx, &a, &conf_sims_uuid, NULL) == TEEC_SUCCESS);
	REQUIRE(h_open(&ctx, &b, &conf_sims_uuid, NULL) == TEEC_SUCCESS);
	CHECK_HEX(conf_instance_info(&a, &ta, NULL, NULL, &pa), TEEC_SUCCESS);
	CHECK_HEX(conf_instance_info(&b, &tb, &open_now, NULL, &pb), TEEC_SUCCESS);
	CHECK(ta == tb && ta != 0); /* one instance for both */
	CHECK(pa == pb);
	CHECK_HEX(open_now, 2);

	/* A panic kills every session of the single instance. */
	CHECK_HEX(conf_invoke_none(&a, CONF_CMD_PANIC, NULL), TEEC_ERROR_TARGET_DEAD);
	check_dead(&b);
	TEEC_CloseSession(&a);
	TEEC_CloseSession(&b);
	/* A new instance serves new sessions. */
	REQUIRE(h_open(&ctx, &c, &conf_sims_uuid, NULL) == TEEC_SUCCESS);
	CHECK_HEX(conf_instance_info(&c, &tb, &open_now, NULL, NULL), TEEC_SUCCESS);
	CHECK(tb != ta);
	CHECK_HEX(open_now, 1);
	TEEC_CloseSession(&c);
	TEEC_FinalizeContext(&ctx);
}

void t_single_instance_busy(void)
{
	TEEC_Context ctx, ctx2;
	TEEC_Session a, b;
	uint32_t origin = 0;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	REQUIRE(TEEC_InitializeContext(NULL, &ctx2) == TEEC_SUCCESS);
	REQUIRE(h_open(&ctx, &a, &conf_si_uuid, NULL) == TEEC_SUCCESS);
	CHECK_RES(h_open(&ctx, &b, &conf_si_uuid, &origin), origin, TEEC_ERROR_BUSY,
		  TEEC_ORIGIN_TEE);
	/* From another context too. */
	CHECK_RES(h_open(&ctx2, &b, &conf_si_uuid, &origin), origin, TEEC_ERROR_BUSY,
		  TEEC_ORIGIN_TEE);
	CHECK_HEX(conf_invoke_none(&a, CONF_CMD_NOP, NULL), TEEC_SUCCESS); /* unharmed */
	TEEC_CloseSession(&a);
	CHECK_HEX(h_open(&ctx2, &b, &conf_si_uuid, NULL), TEEC_SUCCESS);
	TEEC_CloseSession(&b);
	TEEC_FinalizeContext(&ctx);
	TEEC_FinalizeContext(&ctx2);
}

void t_keep_alive(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t t1 = 0, t2 = 0, ever1 = 0, ever2 = 0, open_now = 9;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	/* Keep-alive: the instance outlives its last session. */
	REQUIRE(h_open(&ctx, &s, &conf_ka_uuid, NULL) == TEEC_SUCCESS);
	CHECK_HEX(conf_instance_info(&s, &t1, NULL, &ever1, NULL), TEEC_SUCCESS);
	TEEC_CloseSession(&s);
	REQUIRE(h_open(&ctx, &s, &conf_ka_uuid, NULL) == TEEC_SUCCESS);
	CHECK_HEX(conf_instance_info(&s, &t2, &open_now, &ever2, NULL), TEEC_SUCCESS);
	CHECK(t1 == t2 && t1 != 0);
	CHECK_HEX(ever2, ever1 + 1);
	CHECK_HEX(open_now, 1);
	TEEC_CloseSession(&s);

	/* Without keep-alive the instance ends with its last session. */
	REQUIRE(h_open(&ctx, &s, &conf_sims_uuid, NULL) == TEEC_SUCCESS);
	CHECK_HEX(conf_instance_info(&s, &t1, NULL, NULL, NULL), TEEC_SUCCESS);
	TEEC_CloseSession(&s);
	REQUIRE(h_open(&ctx, &s, &conf_sims_uuid, NULL) == TEEC_SUCCESS);
	CHECK_HEX(conf_instance_info(&s, &t2, NULL, &ever2, NULL), TEEC_SUCCESS);
	CHECK(t1 != t2);
	CHECK_HEX(ever2, 1);
	h_close_context_session(&ctx, &s);
}

/* How long the conformance TA's destroy takes once CONF_CMD_SLOW_DESTROY set it. */
#define SLOW_DESTROY_MS 400u

/* A fresh context and a session on uuid whose instance's TA_DestroyEntryPoint
 * takes SLOW_DESTROY_MS; its host's pid in *pid. False (nothing left open)
 * on failure. */
static bool open_slow_destroy(TEEC_Context *ctx, TEEC_Session *s, const TEEC_UUID *uuid,
			      uint32_t *pid)
{
	TEEC_Operation op;

	if (!h_open_context_session(ctx, s, uuid))
		return false;
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = SLOW_DESTROY_MS;
	if (conf_instance_info(s, NULL, NULL, NULL, pid) == TEEC_SUCCESS &&
	    TEEC_InvokeCommand(s, CONF_CMD_SLOW_DESTROY, &op, NULL) == TEEC_SUCCESS)
		return true;
	h_close_context_session(ctx, s);
	return false;
}

/*
 * OP-TEE runs TA_DestroyEntryPoint inside the close of an instance's last
 * session: the close returns once the destroy has run and the host has
 * ended, and the daemon lists the instance no more.
 */
void t_close_waits_for_destroy(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t pid = 0;
	uint64_t t0, took;

	REQUIRE(open_slow_destroy(&ctx, &s, &conf_uuid, &pid));
	t0 = h_now_ms();
	TEEC_CloseSession(&s);
	took = h_now_ms() - t0;
	CHECK(h_status_lacks_pid(0, pid));
	if (took < SLOW_DESTROY_MS || took >= CONF_GRACE_MS)
		h_fail(__FILE__, __LINE__, "close took %llu ms, its destroy %u ms",
		       (unsigned long long)took, SLOW_DESTROY_MS);
	CHECK(h_wait_pid_gone((pid_t)pid, 1000));
	TEEC_FinalizeContext(&ctx);
}

/*
 * Close, then open, a single-instance TA: the old instance ended inside the
 * close, so the new session's instance is the only one listed (never a host
 * still destroying beside one creating).
 */
void t_close_then_open_single_instance(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t pid = 0, pid2 = 0, ready[2] = { 0, 0 };

	REQUIRE(open_slow_destroy(&ctx, &s, &conf_si_uuid, &pid));
	TEEC_CloseSession(&s);
	REQUIRE(h_open(&ctx, &s, &conf_si_uuid, NULL) == TEEC_SUCCESS);
	CHECK(h_status_lacks_pid(0, pid));
	CHECK_HEX(conf_instance_info(&s, NULL, NULL, NULL, &pid2), TEEC_SUCCESS);
	CHECK(pid2 != 0 && pid2 != pid);
	CHECK(h_status_ta_pids(CONF_SI_TA_UUID_STR, "ready", ready, 2) == 1);
	CHECK_HEX(ready[0], pid2);
	h_close_context_session(&ctx, &s);
}
