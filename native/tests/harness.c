/*
 * Test runner: starts a private tee-simd (socket and log under a fresh
 * mktemp directory), runs every test in a forked child with a time limit,
 * then stops the daemon by its PID and checks that no TA host survives.
 *
 *   conformance [--bin-dir DIR] [--ta-dir DIR] [--timeout SECONDS] [FILTER...]
 *
 * FILTER runs only the tests whose name contains it. RX_TEEC_TEST_KEEP=1
 * keeps the run directory (daemon socket and sim.log) for a look afterwards.
 *
 * Prints one line per test and ends with "N passed, N failed".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

int h_failures;
pid_t h_daemon_pid;
char h_run_dir[256];
const char *h_bin_dir = TEST_BIN_DIR;

static const char *current_test = "?";

void h_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	h_failures++;
	fprintf(stdout, "    [%s] %s:%d: ", current_test, file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

uint64_t h_now_ms(void)
{
	return h_now_us() / 1000;
}

uint64_t h_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void h_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Reads "pid (comm) state ppid" from /proc/<pid>/stat. */
static bool read_stat(pid_t pid, char *state, pid_t *ppid)
{
	char path[64], buf[512], *close_paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* comm may hold spaces or parentheses: parse after the last ')'. */
	close_paren = strrchr(buf, ')');
	if (!close_paren)
		return false;
	int p = 0;

	if (sscanf(close_paren + 1, " %c %d", state, &p) != 2)
		return false;
	*ppid = (pid_t)p;
	return true;
}

bool h_pid_alive(pid_t pid)
{
	char state;
	pid_t ppid;

	if (!read_stat(pid, &state, &ppid))
		return false;
	return state != 'Z' && state != 'X';
}

bool h_thread_asleep(pid_t tid)
{
	char state;
	pid_t ppid;

	/* /proc/<tid>/stat is that thread's own, though /proc lists only processes. */
	return read_stat(tid, &state, &ppid) && state == 'S';
}

pid_t h_fork_reporting(void (*body)(int report_fd, void *arg), void *arg, void *out, size_t len)
{
	int fds[2], status;
	pid_t child;

	if (pipe(fds) != 0)
		return 0;
	fflush(stdout); /* the child must not print the parent's buffered output again */
	child = fork();
	if (child < 0) {
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	if (child == 0) {
		close(fds[0]);
		body(fds[1], arg);
		_exit(126); /* body returned: not expected */
	}
	close(fds[1]);
	if (read(fds[0], out, len) != (ssize_t)len) {
		close(fds[0]);
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		return 0;
	}
	close(fds[0]);
	return child;
}

bool h_wait_pid_gone(pid_t pid, unsigned ms)
{
	uint64_t end = h_now_ms() + ms;

	while (h_pid_alive(pid)) {
		if (h_now_ms() >= end)
			return false;
		h_sleep_ms(10);
	}
	return true;
}

bool h_join_within(pthread_t th, unsigned ms)
{
	struct timespec end;

	/* pthread_timedjoin_np takes an absolute CLOCK_REALTIME time. */
	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	return pthread_timedjoin_np(th, NULL, &end) == 0;
}

size_t h_ta_host_pids(pid_t *out, size_t cap)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long v = strtol(e->d_name, &end, 10);
		char state;
		pid_t ppid;

		if (*end != '\0' || v <= 0)
			continue;
		if (!read_stat((pid_t)v, &state, &ppid) || ppid != h_daemon_pid)
			continue;
		if (state == 'Z' || state == 'X')
			continue;
		if (n < cap)
			out[n] = (pid_t)v;
		n++;
	}
	closedir(d);
	return n;
}

int h_shm_fd_count(pid_t pid)
{
	char path[64], link[64 + 256], target[512];
	DIR *d;
	struct dirent *e;
	int count = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, "/memfd:", 7) == 0 || strncmp(target, "/dev/shm/", 9) == 0)
			count++;
	}
	closedir(d);
	return count;
}

int h_memfd_mapping_count(pid_t pid, const char *name)
{
	char path[64], needle[128], line[512];
	FILE *f;
	int count = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	snprintf(needle, sizeof(needle), "/memfd:%s ", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			count++;
	fclose(f);
	return count;
}

TEEC_Result h_open(TEEC_Context *ctx, TEEC_Session *s, const TEEC_UUID *uuid, uint32_t *origin)
{
	uint32_t o = 0;
	TEEC_Result r = TEEC_OpenSession(ctx, s, uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &o);

	if (origin)
		*origin = o;
	return r;
}

bool h_open_context_session(TEEC_Context *ctx, TEEC_Session *s, const TEEC_UUID *uuid)
{
	if (TEEC_InitializeContext(NULL, ctx) != TEEC_SUCCESS)
		return false;
	if (h_open(ctx, s, uuid, NULL) != TEEC_SUCCESS) {
		TEEC_FinalizeContext(ctx);
		return false;
	}
	return true;
}

void h_close_context_session(TEEC_Context *ctx, TEEC_Session *s)
{
	TEEC_CloseSession(s);
	TEEC_FinalizeContext(ctx);
}

/* The daemon's status (tee-sim-ctl --json status) in out; false if none came. */
static bool status_json(char *out, size_t cap)
{
	char cmd[600];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s/tee-sim-ctl' --json status", h_bin_dir);
	p = popen(cmd, "r");
	if (!p)
		return false;
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	if (pclose(p) != 0 || n == 0 || n == cap - 1) {
		printf("    status query failed: %s\n", out);
		return false;
	}
	return true;
}

/* h_status_lacks_pid, saying what the status still lists only if loud. */
static bool status_lacks_pid(pid_t client_pid, uint32_t ta_pid, bool loud)
{
	char out[8192], needle[64];
	bool ok = true;

	if (!status_json(out, sizeof(out)))
		return false;
	/* Pids appear as JSON numbers: match them with their delimiters. */
	snprintf(needle, sizeof(needle), "\"pid\":%u,", (unsigned)ta_pid);
	if (strstr(out, needle)) {
		if (loud)
			printf("    TA host %u still listed: %s", (unsigned)ta_pid, out);
		ok = false;
	}
	for (const char *q = strstr(out, "\"clientPids\":["); q && *q && *q != ']'; q++) {
		char *end;
		long v;

		if (*q < '0' || *q > '9')
			continue;
		v = strtol(q, &end, 10);
		if (v == (long)client_pid) {
			if (loud)
				printf("    client %d still listed: %s", (int)client_pid, out);
			ok = false;
		}
		q = end - 1;
	}
	return ok;
}

bool h_status_lacks_pid(pid_t client_pid, uint32_t ta_pid)
{
	return status_lacks_pid(client_pid, ta_pid, true);
}

bool h_wait_status_lacks_pid(pid_t client_pid, uint32_t ta_pid, unsigned ms)
{
	uint64_t end = h_now_ms() + ms;

	while (!status_lacks_pid(client_pid, ta_pid, false)) {
		if (h_now_ms() >= end)
			return h_status_lacks_pid(client_pid, ta_pid); /* once more, aloud */
		h_sleep_ms(20);
	}
	return true;
}

int h_status_ta_pids(const char *uuid, const char *state, uint32_t *out, size_t cap)
{
	char json[8192], u[40], st[16];
	const char *q = json;
	unsigned pid;
	int n = 0;

	if (!status_json(json, sizeof(json)))
		return -1;
	/* tee-sim-ctl prints each instance as one object in this order. */
	while ((q = strstr(q, "{\"uuid\":\"")) != NULL) {
		if (sscanf(q, "{\"uuid\":\"%39[^\"]\",\"pid\":%u,\"sessions\":%*u,\"flags\":%*u,"
			      "\"state\":\"%15[^\"]\"}", u, &pid, st) == 3 &&
		    !strcmp(u, uuid) && (!state || !strcmp(st, state))) {
			if ((size_t)n < cap)
				out[n] = pid;
			n++;
		}
		q++;
	}
	return n;
}

bool h_wait_ta_pids(const char *uuid, const char *state, int n, uint32_t *out, size_t cap,
		    unsigned ms)
{
	uint64_t end = h_now_ms() + ms;

	do {
		uint32_t pids[64];
		int k = h_status_ta_pids(uuid, state, pids, 64);

		if (k == n) {
			for (size_t i = 0; i < cap && i < (size_t)k && i < 64; i++)
				out[i] = pids[i];
			return true;
		}
		h_sleep_ms(20);
	} while (h_now_ms() < end);
	return false;
}

bool h_wait_ta_sessions(uint32_t pid, unsigned n, unsigned ms)
{
	uint64_t end = h_now_ms() + ms;
	char json[8192], needle[64];

	/* Instances are printed as {"uuid":...,"pid":P,"sessions":N,...}. */
	snprintf(needle, sizeof(needle), "\"pid\":%u,\"sessions\":", (unsigned)pid);
	do {
		const char *q;

		if (status_json(json, sizeof(json)) && (q = strstr(json, needle)) != NULL &&
		    strtoul(q + strlen(needle), NULL, 10) == n)
			return true;
		h_sleep_ms(20);
	} while (h_now_ms() < end);
	return false;
}

/* ---- daemon ---- */

static bool start_daemon(const char *bin_dir, const char *ta_dir)
{
	char sock[300], log[300], exe[512];
	uint64_t end;
	pid_t pid;

	snprintf(sock, sizeof(sock), "%s/simd.sock", h_run_dir);
	snprintf(log, sizeof(log), "%s/sim.log", h_run_dir);
	snprintf(exe, sizeof(exe), "%s/tee-simd", bin_dir);
	/* Every client in this run (tests and their children) uses this daemon. */
	setenv("RX_TEEC_SIM_SOCKET", sock, 1);
	setenv("RX_TEEC_SIM_TA_PATH", ta_dir, 1);
	setenv("RX_TEEC_SIM_LOG", log, 1);

	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		/* If this runner dies (Ctrl-C, a closed pipe), the daemon goes too. */
		int logfd;

		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() == 1)
			_exit(126);
		/* Sanitizer reports of the daemon and TA hosts (stderr) land in the log. */
		logfd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (logfd < 0 || dup2(logfd, 2) < 0)
			_exit(126);
		execl(exe, exe, "--foreground", "--socket", sock, "--ta-path", ta_dir, (char *)NULL);
		fprintf(stderr, "cannot run %s: %s\n", exe, strerror(errno));
		_exit(127);
	}
	h_daemon_pid = pid;
	end = h_now_ms() + 10000;
	while (h_now_ms() < end) {
		struct stat st;
		int status;

		if (stat(sock, &st) == 0 && S_ISSOCK(st.st_mode))
			return true;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			h_daemon_pid = 0;
			return false;
		}
		h_sleep_ms(10);
	}
	return false;
}

/* Stops the daemon by PID; true if it and all its TA hosts are gone. */
static bool stop_daemon(void)
{
	pid_t hosts[64];
	size_t n = h_ta_host_pids(hosts, 64);
	bool ok = true;
	int status;
	uint64_t end;

	if (h_daemon_pid <= 0)
		return false;
	if (n > 64)
		n = 64;
	kill(h_daemon_pid, SIGTERM);
	end = h_now_ms() + 10000;
	while (waitpid(h_daemon_pid, &status, WNOHANG) != h_daemon_pid) {
		if (h_now_ms() >= end) {
			printf("    daemon %d ignored SIGTERM; killing it\n", (int)h_daemon_pid);
			kill(h_daemon_pid, SIGKILL);
			waitpid(h_daemon_pid, &status, 0);
			ok = false;
			break;
		}
		h_sleep_ms(10);
	}
	for (size_t i = 0; i < n; i++) {
		if (!h_wait_pid_gone(hosts[i], 5000)) {
			printf("    TA host %d outlived the daemon; killing it\n", (int)hosts[i]);
			kill(hosts[i], SIGKILL);
			ok = false;
		}
	}
	h_daemon_pid = 0;
	return ok;
}

static void print_log_tail(void)
{
	char path[300], line[512];
	FILE *f;
	long size;

	snprintf(path, sizeof(path), "%s/sim.log", h_run_dir);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 4000)
		fseek(f, size - 4000, SEEK_SET);
	else
		fseek(f, 0, SEEK_SET);
	printf("    --- tail of %s ---\n", path);
	while (fgets(line, sizeof(line), f))
		printf("    | %s", line);
	fclose(f);
}

/*
 * Counts sanitizer reports the daemon and TA hosts wrote to the log (their
 * stderr). The null write that crash_target_dead provokes on purpose
 * (reported by UBSan or as an ASan SEGV) is expected and not counted.
 */
static int sanitizer_reports_in_log(void)
{
	char path[300], line[1024];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/sim.log", h_run_dir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		bool report = strstr(line, "ERROR: AddressSanitizer") ||
			      strstr(line, "ERROR: LeakSanitizer") ||
			      strstr(line, "WARNING: ThreadSanitizer") ||
			      strstr(line, "runtime error:");

		bool expected = strstr(line, "AddressSanitizer: SEGV") ||
				(strstr(line, "conformance_ta.c") &&
				 strstr(line, "store to null pointer"));

		if (report && !expected) {
			printf("    %s", line);
			n++;
		}
	}
	fclose(f);
	return n;
}

static void remove_run_dir(void)
{
	DIR *d = opendir(h_run_dir);
	struct dirent *e;
	char path[600];

	if (d) {
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.' && (!e->d_name[1] || !strcmp(e->d_name, "..")))
				continue;
			snprintf(path, sizeof(path), "%s/%s", h_run_dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(h_run_dir);
}

/* ---- running tests ---- */

static bool selected(const char *name, int nfilters, char **filters)
{
	if (nfilters == 0)
		return true;
	for (int i = 0; i < nfilters; i++)
		if (strstr(name, filters[i]))
			return true;
	return false;
}

/* Runs one test in a child; true if it passed. */
static bool run_one(const struct test_case *t, unsigned timeout_s)
{
	uint64_t end;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("    fork: %s\n", strerror(errno));
		return false;
	}
	if (pid == 0) {
		current_test = t->name;
		h_failures = 0;
		t->fn();
		fflush(stdout);
		/* exit, not _exit: under ASan the leak check runs for every test. */
		exit(h_failures ? 1 : 0);
	}
	end = h_now_ms() + (uint64_t)timeout_s * 1000;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			printf("    waitpid: %s\n", strerror(errno));
			return false;
		}
		if (h_now_ms() >= end) {
			printf("    [%s] timed out after %u s\n", t->name, timeout_s);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return false;
		}
		h_sleep_ms(5);
	}
	if (WIFSIGNALED(status)) {
		printf("    [%s] died of signal %d\n", t->name, WTERMSIG(status));
		return false;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(int argc, char **argv)
{
	const char *ta_dir = TEST_TA_DIR;
	unsigned timeout_s = 60;
	/* Static: still reachable in every forked test (no false leak reports). */
	static char *filters[64];
	int nfilters = 0, passed = 0, failed = 0;
	bool any_failed_test;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--bin-dir") && i + 1 < argc)
			h_bin_dir = argv[++i];
		else if (!strcmp(argv[i], "--ta-dir") && i + 1 < argc)
			ta_dir = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout_s = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (nfilters < (int)(sizeof(filters) / sizeof(filters[0])))
			filters[nfilters++] = argv[i];
	}

	snprintf(h_run_dir, sizeof(h_run_dir), "/tmp/rx-teec-conformance.XXXXXX");
	if (!mkdtemp(h_run_dir)) {
		perror("mkdtemp");
		return 2;
	}
	if (!start_daemon(h_bin_dir, ta_dir)) {
		printf("FAIL setup: cannot start %s/tee-simd\n", h_bin_dir);
		print_log_tail();
		stop_daemon();
		remove_run_dir();
		printf("0 passed, 1 failed\n");
		return 1;
	}

	for (size_t i = 0; i < conformance_test_count; i++) {
		const struct test_case *t = &conformance_tests[i];

		if (!selected(t->name, nfilters, filters))
			continue;
		if (run_one(t, timeout_s)) {
			printf("PASS %s\n", t->name);
			passed++;
		} else {
			printf("FAIL %s\n", t->name);
			failed++;
		}
	}
	any_failed_test = failed > 0;

	/* Leaves nothing behind: daemon and every TA host must stop. */
	if (stop_daemon()) {
		printf("PASS teardown: daemon and TA hosts stopped\n");
		passed++;
	} else {
		printf("FAIL teardown: daemon and TA hosts stopped\n");
		failed++;
	}
	if (sanitizer_reports_in_log() == 0) {
		printf("PASS teardown: no sanitizer reports from daemon or TA hosts\n");
		passed++;
	} else {
		printf("FAIL teardown: no sanitizer reports from daemon or TA hosts\n");
		failed++;
	}
	if (any_failed_test || failed)
		print_log_tail();
	if (getenv("RX_TEEC_TEST_KEEP"))
		printf("kept %s (RX_TEEC_TEST_KEEP)\n", h_run_dir);
	else
		remove_run_dir();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
