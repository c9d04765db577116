/*
 * TA hosts stuck in an entry point nobody waits for any more: the
 * conformance_hang TA never returns from TA_CreateEntryPoint, and
 * CONF_CMD_HANG_IN_DESTROY makes an instance's TA_DestroyEntryPoint never
 * return. Once the openers are dead, or the last session has closed, the
 * daemon kills such a host after its grace period (default 2 s), and a later
 * open gets a fresh instance. A live client still waiting for the create
 * keeps the host alive: an instance a live client uses is never killed.
 */
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
	CHECK(h_status_lacks_pid(a, 0));

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

/*
 * The last session of a single-instance TA closes and its TA_DestroyEntryPoint
 * hangs: a new open gets a fresh instance at once (not the dying one, not
 * BUSY, no wait), and the old host is killed after the grace period.
 */
void t_hung_destroy_fresh_instance(void)
{
	uint32_t token = 0, pid = 0, token2 = 0, pid2 = 0;
	TEEC_Context ctx;
	TEEC_Session s;
	uint64_t closed;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_si_uuid));
	if (conf_instance_info(&s, &token, NULL, NULL, &pid) != TEEC_SUCCESS ||
	    conf_invoke_none(&s, CONF_CMD_HANG_IN_DESTROY, NULL) != TEEC_SUCCESS) {
		h_fail(__FILE__, __LINE__, "cannot set up the hanging destroy");
		h_close_context_session(&ctx, &s);
		return;
	}
	TEEC_CloseSession(&s);
	closed = h_now_ms();

	CHECK_HEX(h_open(&ctx, &s, &conf_si_uuid, NULL), TEEC_SUCCESS);
	CHECK(h_now_ms() - closed < CONF_GRACE_MS / 2);
	CHECK_HEX(conf_instance_info(&s, &token2, NULL, NULL, &pid2), TEEC_SUCCESS);
	CHECK(pid2 != pid);
	CHECK(token2 != token);
	conf_check_killed_after_grace(pid, closed);
	/* The fresh instance is unaffected, and ends normally with its session. */
	CHECK_HEX(conf_invoke_none(&s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	h_close_context_session(&ctx, &s);
	if (pid2)
		CHECK(h_wait_pid_gone((pid_t)pid2, 5000));
}
