/*
 * A tiny test harness for the C conformance suite: each test runs in a
 * forked child (so a crash or hang fails that test only), against one
 * private simulator daemon started for the whole run.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "tee_client_api.h"

struct test_case {
	const char *name;
	void (*fn)(void);
};

/* Failed checks in the running test (the child process). */
extern int h_failures;

/* The private daemon of this run. */
extern pid_t h_daemon_pid;
extern char h_run_dir[];
extern const char *h_bin_dir;

void h_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond))                                               \
			h_fail(__FILE__, __LINE__, "%s", #cond);           \
	} while (0)

/* Compares two 32-bit results and prints both in hex when they differ. */
#define CHECK_HEX(actual, expected)                                              \
	do {                                                                     \
		uint32_t a_ = (uint32_t)(actual), e_ = (uint32_t)(expected);     \
		if (a_ != e_)                                                    \
			h_fail(__FILE__, __LINE__, "%s = 0x%08x, expected 0x%08x", \
			       #actual, (unsigned)a_, (unsigned)e_);             \
	} while (0)

/* Result and origin together. */
#define CHECK_RES(res, origin, eres, eorigin)   \
	do {                                    \
		CHECK_HEX(res, eres);           \
		CHECK_HEX(origin, eorigin);     \
	} while (0)

/* A check whose failure makes the rest of the test meaningless. */
#define REQUIRE(cond)                                                      \
	do {                                                               \
		if (!(cond)) {                                             \
			h_fail(__FILE__, __LINE__, "required: %s", #cond); \
			return;                                            \
		}                                                          \
	} while (0)

/* ---- helpers for tests ---- */

uint64_t h_now_ms(void);
/* The same monotonic clock in microseconds (timing short races). */
uint64_t h_now_us(void);
void h_sleep_ms(unsigned ms);

/* Process ids of the TA hosts the daemon runs now (children of the daemon). */
size_t h_ta_host_pids(pid_t *out, size_t cap);
/* True if pid exists and is not a zombie. */
bool h_pid_alive(pid_t pid);
/* True if thread tid (gettid) sleeps now (state S): it waits on a lock, a
 * condition or a read, not runs. */
bool h_thread_asleep(pid_t tid);
/* Waits up to ms for pid to be gone; true if it went. */
bool h_wait_pid_gone(pid_t pid, unsigned ms);
/* Joins th if it ends within ms; false (still running, not joined) otherwise. */
bool h_join_within(pthread_t th, unsigned ms);
/*
 * Forks a child that runs body(report_fd, arg), which must end in _exit, and
 * reads the len bytes the child writes to report_fd into out. Returns the
 * child's pid, or 0 if the fork failed or the child reported nothing (it is
 * then killed and reaped).
 */
pid_t h_fork_reporting(void (*body)(int report_fd, void *arg), void *arg, void *out, size_t len);
/* Count of shared-memory-looking file descriptors (memfd, /dev/shm) of a process. */
int h_shm_fd_count(pid_t pid);
/* Count of a process's mappings of memfds named `name` (their fds may be closed); -1 if
 * its maps cannot be read. */
int h_memfd_mapping_count(pid_t pid, const char *name);

/*
 * Asks the daemon for its status (tee-sim-ctl status --json) and checks that
 * neither the client pid nor the TA host pid appears in it.
 */
bool h_status_lacks_pid(pid_t client_pid, uint32_t ta_pid);
/*
 * The same, polled for up to ms until it holds. The daemon forgets a TA host
 * once it reaps it, a moment after /proc shows the host dead (its main thread
 * a zombie while the others still exit).
 */
bool h_wait_status_lacks_pid(pid_t client_pid, uint32_t ta_pid, unsigned ms);

/*
 * The TA host pids the daemon's status lists for instances of `uuid` (a UUID
 * string) in `state` ("starting", "ready" or "dying"; NULL: any), the first
 * cap of them in out (NULL if cap is 0); returns how many it lists, or -1 if
 * the status query failed.
 */
int h_status_ta_pids(const char *uuid, const char *state, uint32_t *out, size_t cap);
/*
 * Polls the status for up to ms until it lists exactly n TA hosts for `uuid`
 * in `state`; then the first cap of them are in out (NULL if cap is 0) and it
 * returns true. out is left alone if it returns false.
 */
bool h_wait_ta_pids(const char *uuid, const char *state, int n, uint32_t *out, size_t cap,
		    unsigned ms);

/*
 * Polls the status for up to ms until the instance in TA host `pid` lists n
 * sessions (the daemon counts one as it answers the open, before the TA_OPEN);
 * false if not by then.
 */
bool h_wait_ta_sessions(uint32_t pid, unsigned n, unsigned ms);

/* Opens a session on a TA with PUBLIC login; returns the TEEC result. */
TEEC_Result h_open(TEEC_Context *ctx, TEEC_Session *s, const TEEC_UUID *uuid, uint32_t *origin);

/* A fresh context and a session on `uuid` in it; false (nothing left open) if either fails. */
bool h_open_context_session(TEEC_Context *ctx, TEEC_Session *s, const TEEC_UUID *uuid);

/* Closes what h_open_context_session opened. */
void h_close_context_session(TEEC_Context *ctx, TEEC_Session *s);

#endif /* HARNESS_H */
