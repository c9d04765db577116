/*
 * A client killed (SIGKILL) while its call runs inside the TA: the host
 * cancels the call at once (the TA sees a cancellation), and an instance
 * held only by dead clients that stays busy is killed by the daemon after
 * its grace period (default 2 s). An instance a live client still uses is
 * never killed.
 */
#include <string.h>

#include "conf_helpers.h"
#include "tests.h"

#define LONG_WAIT_MS 30000u

/* The dead client's instance is gone, from the daemon's view and /proc's. */
static void check_reclaimed(pid_t child, uint32_t ta_pid, int shm_before)
{
	int shm_after = h_shm_fd_count(h_daemon_pid);

	CHECK(!h_pid_alive((pid_t)ta_pid));
	CHECK(h_wait_status_lacks_pid(child, ta_pid, 5000));
	CHECK(shm_before >= 0 && shm_after >= 0);
	CHECK(shm_after <= shm_before);
}

/* (a) Unmasked long wait: cancelled as soon as the client dies. */
void t_dead_client_unmasked_wait(void)
{
	int shm_before = h_shm_fd_count(h_daemon_pid);
	uint32_t ta_pid;
	pid_t child = conf_start_doomed_client(&conf_uuid, CONF_CMD_WAIT_UNMASKED, LONG_WAIT_MS, &ta_pid);
	uint64_t died, took;

	REQUIRE(child > 0);
	CHECK(h_pid_alive((pid_t)ta_pid));
	died = conf_kill_client(child);
	CHECK(h_wait_pid_gone((pid_t)ta_pid, 5000));
	took = h_now_ms() - died;
	/* Well before the 30 s wait would end, and before the watchdog's grace:
	 * the cancellation ended it, not a kill. */
	if (took >= CONF_GRACE_MS)
		h_fail(__FILE__, __LINE__, "TA host lived %llu ms after its client died",
		       (unsigned long long)took);
	check_reclaimed(child, ta_pid, shm_before);
}

/* (b) Masked long wait: the cancellation is ignored, the watchdog ends it. */
void t_dead_client_masked_wait(void)
{
	int shm_before = h_shm_fd_count(h_daemon_pid);
	uint32_t ta_pid;
	pid_t child = conf_start_doomed_client(&conf_uuid, CONF_CMD_WAIT_MASKED, LONG_WAIT_MS, &ta_pid);

	REQUIRE(child > 0);
	/* Masked: still running (the call was in the TA, and is not cancelled)
	 * until the grace period is over. */
	conf_check_killed_after_grace(ta_pid, conf_kill_client(child));
	check_reclaimed(child, ta_pid, shm_before);
}

/* Opens a live session on the shared single-instance multi-session TA. */
static bool open_live(TEEC_Context *ctx, TEEC_Session *s, uint32_t *token, uint32_t *pid)
{
	if (!h_open_context_session(ctx, s, &conf_sims_uuid))
		return false;
	if (conf_instance_info(s, token, NULL, NULL, pid) != TEEC_SUCCESS) {
		h_close_context_session(ctx, s);
		return false;
	}
	return true;
}

/*
 * Opens the live session, then starts a doomed client (cmd for ms) on the same
 * shared instance; returns the child, or 0 with nothing left open.
 */
static pid_t start_beside_live(TEEC_Context *ctx, TEEC_Session *live, uint32_t *token,
			       uint32_t *pid, uint32_t cmd, uint32_t ms)
{
	uint32_t ta_pid = 0;
	pid_t child;

	if (!open_live(ctx, live, token, pid))
		return 0;
	child = conf_start_doomed_client(&conf_sims_uuid, cmd, ms, &ta_pid);
	if (child <= 0) {
		h_close_context_session(ctx, live);
		return 0;
	}
	CHECK(ta_pid == *pid); /* both sessions on one instance */
	return child;
}

/* Polls the live session until the dead client's session is closed. */
static void check_live_alone(TEEC_Session *s, uint32_t token, uint32_t pid)
{
	uint32_t t = 0, open_now = 0, p = 0;
	uint64_t end = h_now_ms() + 5000;

	do {
		CHECK_HEX(conf_instance_info(s, &t, &open_now, NULL, &p), TEEC_SUCCESS);
		if (open_now == 1)
			break;
		h_sleep_ms(20);
	} while (h_now_ms() < end);
	CHECK(t == token); /* the same instance... */
	CHECK(p == pid);   /* ...in the same process */
	CHECK_HEX(open_now, 1);
	CHECK_HEX(conf_invoke_none(s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
}

/*
 * (c) Shared instance, masked wait longer than the grace period: a live
 * client holds a session, so the instance is not killed; the dead client's
 * session closes when its call returns and the live session keeps working.
 */
void t_dead_client_shared_instance_survives(void)
{
	const uint32_t wait_ms = CONF_GRACE_MS + 1500;
	TEEC_Context ctx;
	TEEC_Session live;
	uint32_t token = 0, pid = 0;
	pid_t child;
	uint64_t died;

	child = start_beside_live(&ctx, &live, &token, &pid, CONF_CMD_WAIT_MASKED, wait_ms);
	REQUIRE(child > 0);
	died = conf_kill_client(child);
	/* Past the grace period, the call still runs and the host lives. */
	h_sleep_ms(CONF_GRACE_MS + 500);
	CHECK(h_pid_alive((pid_t)pid));
	/* This invoke waits for the dead client's call to return, then works. */
	check_live_alone(&live, token, pid);
	/* It came back only once that call ended: at least wait_ms after the TA
	 * marked the block, which the child saw before it reported, shortly
	 * before the kill; not right after the sleep above (CONF_GRACE_MS + 500
	 * after the kill). */
	CHECK(h_now_ms() - died >= wait_ms - 250);
	CHECK(h_wait_status_lacks_pid(child, 0, 5000));
	h_close_context_session(&ctx, &live);
	CHECK(h_wait_pid_gone((pid_t)pid, 5000)); /* ends with its last session */
}

/*
 * (d) Shared instance, unmasked long wait: only the dead client's call is
 * cancelled; the live session is served right after.
 */
void t_dead_client_shared_instance_cancel(void)
{
	TEEC_Context ctx;
	TEEC_Session live;
	uint32_t token = 0, pid = 0;
	pid_t child;
	uint64_t died;

	child = start_beside_live(&ctx, &live, &token, &pid, CONF_CMD_WAIT_UNMASKED, LONG_WAIT_MS);
	REQUIRE(child > 0);
	died = conf_kill_client(child);
	check_live_alone(&live, token, pid);
	CHECK(h_now_ms() - died < CONF_GRACE_MS); /* cancelled, not waited out */
	CHECK(h_pid_alive((pid_t)pid));
	CHECK(h_wait_status_lacks_pid(child, 0, 5000));
	h_close_context_session(&ctx, &live);
	CHECK(h_wait_pid_gone((pid_t)pid, 5000));
}
