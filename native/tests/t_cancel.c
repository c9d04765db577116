/* TEEC_RequestCancellation against masked and unmasked TA waits. */
#include <pthread.h>
#include <string.h>

#include "conf_helpers.h"
#include "tests.h"

/* Starts a wait command in a thread, cancels it after 300 ms, joins. */
static bool wait_and_cancel(TEEC_Session *s, uint32_t cmd, uint32_t ms, struct conf_bg_call *c)
{
	pthread_t th;

	if (!conf_bg_start(&th, c, s, cmd, ms))
		return false;
	h_sleep_ms(300);
	TEEC_RequestCancellation(&c->op);
	pthread_join(th, NULL);
	return true;
}

void t_cancel_unmasked(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	struct conf_bg_call c;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(wait_and_cancel(&s, CONF_CMD_WAIT_UNMASKED, 20000, &c));
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
	REQUIRE(wait_and_cancel(&s, CONF_CMD_WAIT_MASKED, 1500, &c));
	CHECK_RES(c.res, c.origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK(c.took_ms >= 1400);                /* ran to completion */
	CHECK(c.op.params[1].value.a >= 1490);
	CHECK_HEX(c.op.params[1].value.b, 0);     /* masked: the TA sees no flag */
	h_close_context_session(&ctx, &s);
}
