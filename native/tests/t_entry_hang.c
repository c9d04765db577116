/*
 * TA hosts stuck in an entry point nobody waits for any more: the
 * conformance_hang TA never returns from TA_CreateEntryPoint, and
 * CONF_CMD_HANG_IN_DESTROY makes an instance's TA_DestroyEntryPoint never
 * return. Once the openers are dead, or the last session has closed, the
 * daemon kills such a host after its grace period (default 2 s), and a later
 * open gets a fresh instance. A live client still waiting for the create
 * keeps the host alive: an instance a live client uses is never killed. The
 * close of the last session waits for the destroy, so a hung one holds that
 * close until the host is killed.
 */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf_helpers.h"
#include "tests.h"

/* Head start for a child's open request to reach the daemon, where nothing
 * shows that it has. */
#define OPEN_SENT_MS 300u

/* Child: opens a session on the hang TA, whose create never returns. */
static void hung_opener(int report_fd, void *unused)
{
	TEEC_Context ctx;
	TEEC_Session s;

	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS)
		_exit(3);
	if (write(report_fd, "o", 1) != 1)
		_exit(4);
	h_open(&ctx, &s, &conf_hang_uuid, NULL);
	_exit(5); /* an answer: the open should have waited for ever */
}

/* Forks a hung opener; returns its pid once it is about to open, or 0. */
static pid_t start_opener(void)
{
	char c;

	return h_fork_reporting(hung_opener, NULL, &c, 1);
}

/*
 * The only opener dies while TA_CreateEntryPoint hangs: the host is killed
 * after the grace period, and a later open starts a fresh instance instead
 * of waiting behind the old one.
 */
void t_hung_create_opener_dead(void)
{
	uint32_t host = 0, fresh = 0;
	pid_t a, b;

	a = start_opener();
	REQUIRE(a > 0);
	h_wait_ta_pids(CONF_HANG_TA_UUID_STR, "starting", 1, &host, 1, 5000);
	if (!host) {
		conf_kill_client(a);
		REQUIRE(host != 0);
	}
	conf_check_killed_after_grace(host, conf_kill_client(a));
	CHECK(h_wait_status_lacks_pid(a, 0, 5000));

	b = start_opener();
	REQUIRE(b > 0);
	/* The old host is gone (checked above): the one starting is fresh. */
	h_wait_ta_pids(CONF_HANG_TA_UUID_STR, "starting", 1, &fresh, 1, 5000);
	CHECK(fresh != 0 && fresh != host);
	/* Nobody needs the fresh host either: it goes the same way. */
	if (fresh)
		conf_check_killed_after_grace(fresh, conf_kill_client(b));
	else
		conf_kill_client(b);
}

/*
 * Two openers wait for one hanging create (a single-instance TA); the first
 * dies. The second, alive, keeps waiting (GP has no timeout for an open) and
 * the host is not killed; once the second dies too, the host is.
 */
void t_hung_create_live_opener_waits(void)
{
	uint32_t host = 0;
	pid_t a, b = 0;
	int status;

	a = start_opener();
	REQUIRE(a > 0);
	h_wait_ta_pids(CONF_HANG_TA_UUID_STR, "starting", 1, &host, 1, 5000);
	if (host)
		b = start_opener();
	if (!host || b <= 0) {
		h_fail(__FILE__, __LINE__, "no hanging create (host %u) or no second opener",
		       (unsigned)host);
		conf_kill_client(a);
		if (b > 0)
			conf_kill_client(b);
		return;
	}
	/* b waits for the same instance (a second one would be listed by now). */
	h_sleep_ms(OPEN_SENT_MS);
	CHECK(h_status_ta_pids(CONF_HANG_TA_UUID_STR, "starting", NULL, 0) == 1);
	conf_kill_client(a);
	h_sleep_ms(CONF_GRACE_MS + 1000);
	CHECK(h_pid_alive((pid_t)host));
	CHECK(waitpid(b, &status, WNOHANG) == 0); /* b's open has not returned */
	conf_check_killed_after_grace(host, conf_kill_client(b));
}

/* A fresh context and a session on the single-instance TA whose
 * TA_DestroyEntryPoint will hang; its host's pid and instance token (either
 * may be NULL). False (nothing left open) on failure. */
static bool open_hanging_destroy(TEEC_Context *ctx, TEEC_Session *s, uint32_t *pid,
				 uint32_t *token)
{
	if (!h_open_context_session(ctx, s, &conf_si_uuid))
		return false;
	if (conf_instance_info(s, token, NULL, NULL, pid) == TEEC_SUCCESS &&
	    conf_invoke_none(s, CONF_CMD_HANG_IN_DESTROY, NULL) == TEEC_SUCCESS)
		return true;
	h_close_context_session(ctx, s);
	return false;
}

/*
 * The last session closes and TA_DestroyEntryPoint hangs: the close waits
 * for the destroy (OP-TEE runs it inside the close), but not for ever: the
 * host is killed after the grace period and the close returns (GP's
 * TEEC_CloseSession returns nothing: it succeeds). A later open gets a fresh
 * instance.
 */
void t_hung_destroy_close_returns(void)
{
	uint32_t pid = 0, pid2 = 0;
	TEEC_Context ctx;
	TEEC_Session s;
	uint64_t t0, took;

	REQUIRE(open_hanging_destroy(&ctx, &s, &pid, NULL));
	t0 = h_now_ms();
	TEEC_CloseSession(&s);
	took = h_now_ms() - t0;
	if (took < CONF_GRACE_MS - 100 || took >= CONF_GRACE_MS + 3000)
		h_fail(__FILE__, __LINE__, "close returned after %llu ms (grace %u ms)",
		       (unsigned long long)took, CONF_GRACE_MS);
	CHECK(h_status_lacks_pid(0, pid));
	CHECK(h_wait_pid_gone((pid_t)pid, 1000));

	CHECK_HEX(h_open(&ctx, &s, &conf_si_uuid, NULL), TEEC_SUCCESS);
	CHECK_HEX(conf_instance_info(&s, NULL, NULL, NULL, &pid2), TEEC_SUCCESS);
	CHECK(pid2 != 0 && pid2 != pid);
	h_close_context_session(&ctx, &s);
}

static void *close_main(void *session)
{
	TEEC_CloseSession(session);
	return NULL;
}

/*
 * While the close of a single-instance TA's last session waits for its hung
 * TA_DestroyEntryPoint, a new open gets a fresh instance at once (not the
 * dying one, not BUSY, no wait); the old host is killed after the grace
 * period, and then the close returns.
 */
void t_hung_destroy_fresh_instance(void)
{
	uint32_t token = 0, pid = 0, token2 = 0, pid2 = 0, dying = 0;
	TEEC_Context ctx;
	TEEC_Session s, s2;
	uint64_t closing;
	pthread_t th;

	REQUIRE(open_hanging_destroy(&ctx, &s, &pid, &token));
	closing = h_now_ms();
	if (pthread_create(&th, NULL, close_main, &s) != 0) {
		h_fail(__FILE__, __LINE__, "cannot start the closing thread");
		h_close_context_session(&ctx, &s);
		return;
	}
	/* The destroy runs: the instance is dying, its close not answered. */
	CHECK(h_wait_ta_pids(CONF_SI_TA_UUID_STR, "dying", 1, &dying, 1, 1000));
	CHECK_HEX(dying, pid);

	CHECK_HEX(h_open(&ctx, &s2, &conf_si_uuid, NULL), TEEC_SUCCESS);
	CHECK(h_now_ms() - closing < CONF_GRACE_MS / 2);
	CHECK_HEX(conf_instance_info(&s2, &token2, NULL, NULL, &pid2), TEEC_SUCCESS);
	CHECK(pid2 != pid);
	CHECK(token2 != token);
	conf_check_killed_after_grace(pid, closing);
	/* The close returns with the old host gone, not before. */
	REQUIRE(h_join_within(th, 2000));
	/* The fresh instance is unaffected, and ends normally with its session. */
	CHECK_HEX(conf_invoke_none(&s2, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	h_close_context_session(&ctx, &s2);
	if (pid2)
		CHECK(h_wait_pid_gone((pid_t)pid2, 5000));
}

/* Child: closes the last session of an instance whose destroy hangs, after
 * reporting the instance's host pid; killed while that close waits. */
static void hung_closer(int report_fd, void *unused)
{
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t pid = 0;

	if (!open_hanging_destroy(&ctx, &s, &pid, NULL))
		_exit(3);
	if (write(report_fd, &pid, sizeof(pid)) != (ssize_t)sizeof(pid))
		_exit(4);
	TEEC_CloseSession(&s);
	_exit(5); /* the close should still be waiting when we are killed */
}

/*
 * A client dies while its close waits for a hung TA_DestroyEntryPoint: the
 * daemon forgets it as a closer (nobody is answered when the host is killed
 * after its grace period) and serves on.
 */
void t_hung_destroy_closer_dies(void)
{
	uint32_t pid = 0, dying = 0;
	uint64_t since;
	pid_t child;

	child = h_fork_reporting(hung_closer, NULL, &pid, sizeof(pid));
	REQUIRE(child > 0);
	if (!h_wait_ta_pids(CONF_SI_TA_UUID_STR, "dying", 1, &dying, 1, 2000) || dying != pid) {
		h_fail(__FILE__, __LINE__, "host %u not seen destroying", (unsigned)pid);
		conf_kill_client(child);
		return;
	}
	since = h_now_ms();
	conf_kill_client(child);
	conf_check_killed_after_grace(pid, since);
	CHECK(h_wait_status_lacks_pid(child, pid, 5000));
}
