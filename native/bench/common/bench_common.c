/* What the C benchmarks share (see bench_common.h). */
#include "bench_common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char run_dir[256];
static pid_t daemon_pid;

static void remove_in_run_dir(const char *name)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", run_dir, name);
	unlink(path);
}

bool bench_start_private_daemon(const char *bin_dir, const char *ta_dir)
{
	char sock[300], exe[512], log[300];
	struct stat st;

	snprintf(run_dir, sizeof(run_dir), "/tmp/rx-teec-bench.XXXXXX");
	if (!mkdtemp(run_dir)) {
		run_dir[0] = '\0';
		return false;
	}
	snprintf(sock, sizeof(sock), "%s/simd.sock", run_dir);
	snprintf(log, sizeof(log), "%s/sim.log", run_dir);
	snprintf(exe, sizeof(exe), "%s/tee-simd", bin_dir);
	if (setenv("RX_TEEC_SIM_SOCKET", sock, 1) || setenv("RX_TEEC_SIM_TA_PATH", ta_dir, 1) ||
	    setenv("RX_TEEC_SIM_LOG", log, 1))
		return false;
	daemon_pid = fork();
	if (daemon_pid < 0) {
		daemon_pid = 0;
		return false;
	}
	if (daemon_pid == 0) {
		/* Dies with us, whatever happens to us. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() == 1)
			_exit(126);
		execl(exe, exe, "--foreground", "--socket", sock, "--ta-path", ta_dir, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 1000; i++) {
		int status;

		if (stat(sock, &st) == 0 && S_ISSOCK(st.st_mode))
			return true;
		if (waitpid(daemon_pid, &status, WNOHANG) == daemon_pid) {
			daemon_pid = 0;
			return false;
		}
		usleep(10000);
	}
	return false;
}

bool bench_use_daemon(const char *prog, const char *bin_dir, const char *ta_dir)
{
	if (getenv("RX_TEEC_SIM_SOCKET"))
		return true;
	if (bench_start_private_daemon(bin_dir, ta_dir))
		return true;
	fprintf(stderr, "%s: cannot start %s/tee-simd\n", prog, bin_dir);
	bench_stop_private_daemon();
	return false;
}

double bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

void bench_stop_private_daemon(void)
{
	int status;

	if (daemon_pid > 0) {
		kill(daemon_pid, SIGTERM);
		waitpid(daemon_pid, &status, 0);
		daemon_pid = 0;
	}
	if (run_dir[0]) {
		remove_in_run_dir("simd.sock");
		remove_in_run_dir("simd.sock.lock");
		remove_in_run_dir("sim.log");
		rmdir(run_dir);
		run_dir[0] = '\0';
	}
}

void bench_cpu_model(char *out, size_t cap)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(out, cap, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || !v)
			continue;
		for (v++; *v == ' ' || *v == '\t'; v++)
			;
		v[strcspn(v, "\n")] = '\0';
		snprintf(out, cap, "%s", v);
		break;
	}
	fclose(f);
}

void bench_json_str(const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
}
