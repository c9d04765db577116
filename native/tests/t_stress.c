/* Many threads at once; a client killed in the middle of an invoke. */

#include "conf_helpers.h"
#include "tests.h"

#define N_THREADS 8
#define KILLED_CLIENT_WAIT_MS 1500
#define N_CALLS 150

/* A session of its own in the shared context. */
static void *worker_main(void *arg)
{
	struct conf_worker *w = arg;
	TEEC_Session s;
	uint8_t buf[256];

	if (h_open(w->ctx, &s, &conf_uuid, NULL) != TEEC_SUCCESS) {
		w->failures++;
		return NULL;
	}
	for (int i = 0; i < N_CALLS; i++)
		if (!conf_transform_ok(&s, (uint32_t)(w->id * 100000 + i), (uint8_t)(w->id + i), buf,
				       sizeof(buf)))
			w->failures++;
	TEEC_CloseSession(&s);
	return NULL;
}

void t_threads_own_sessions(void)
{
	void *(*const mains[])(void *) = { worker_main };
	TEEC_Context ctx;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	conf_run_workers(&ctx, NULL, mains, 1, N_THREADS, 0);
	TEEC_FinalizeContext(&ctx);
}

void t_client_killed_mid_invoke(void)
{
	uint32_t ta_pid = 0;
	pid_t child;
	int shm_before, shm_after;
	pid_t hosts[64];
	size_t n_hosts;
	bool listed = false;

	shm_before = h_shm_fd_count(h_daemon_pid);
	/*
	 * A masked wait with shared memory mapped in the TA: the dead client's
	 * cancellation does not end it, the session closes when it returns (or the
	 * watchdog reclaims the instance, see t_dead_client.c).
	 */
	child = conf_start_doomed_client(&conf_uuid, CONF_CMD_WAIT_MASKED, KILLED_CLIENT_WAIT_MS, &ta_pid);
	REQUIRE(child > 0);
	CHECK(h_pid_alive((pid_t)ta_pid));
	n_hosts = h_ta_host_pids(hosts, 64);
	for (size_t i = 0; i < n_hosts && i < 64; i++)
		listed = listed || hosts[i] == (pid_t)ta_pid;
	CHECK(listed); /* the TA runs as a process of our daemon */

	conf_kill_client(child);

	/* Its only session is gone, so its multi-instance TA ends... */
	CHECK(h_wait_pid_gone((pid_t)ta_pid, KILLED_CLIENT_WAIT_MS + 5000));
	/* ...the daemon forgot the client and the instance... */
	CHECK(h_wait_status_lacks_pid(child, ta_pid, 5000));
	/* ...and holds no more shared memory than before. */
	shm_after = h_shm_fd_count(h_daemon_pid);
	CHECK(shm_before >= 0 && shm_after >= 0);
	CHECK(shm_after <= shm_before);
}
