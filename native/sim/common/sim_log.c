/* One line per record, written with a single write() so processes sharing a
 * log file do not interleave within a line. */
#include "sim_log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = 2;
static int log_max = SIM_LOG_INFO;
static char log_prog[32] = "tee-sim";

void sim_log_init(const char *prog)
{
	const char *path = getenv("RX_TEEC_SIM_LOG");
	const char *lvl = getenv("RX_TEEC_SIM_LOG_LEVEL");

	snprintf(log_prog, sizeof(log_prog), "%s", prog);
	if (lvl && *lvl)
		log_max = atoi(lvl);
	if (path && *path) {
		int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (fd >= 0)
			log_fd = fd;
	}
}

void sim_log(int level, const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	va_list ap;
	int n, m;

	if (level > log_max)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line), "%lld.%03ld %s[%d] %s: ", (long long)ts.tv_sec,
		     ts.tv_nsec / 1000000, log_prog, (int)getpid(),
		     level == SIM_LOG_ERROR ? "error" : level == SIM_LOG_INFO ? "info" : "debug");
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n = (size_t)(n + m) >= sizeof(line) - 1 ? (int)sizeof(line) - 2 : n + m;
	line[n++] = '\n';
	if (write(log_fd, line, (size_t)n) < 0) {
		/* Nowhere left to report it. */
	}
}
