#include "sim_util.h"

#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

bool sim_page_round(size_t n, size_t *out)
{
	long ps = sysconf(_SC_PAGESIZE);
	size_t page = ps > 0 ? (size_t)ps : 4096;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - (page - 1))
		return false;
	*out = (n + page - 1) / page * page;
	return true;
}

int sim_memfd_create(const char *name, size_t size)
{
	size_t len;
	int fd, err;

	if (!sim_page_round(size, &len) || len > (size_t)INT64_MAX)
		return -ENOMEM;
	fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)len) != 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
		err = errno == EFBIG || errno == EINVAL ? ENOMEM : errno;
		close(fd);
		return -err;
	}
	return fd;
}

bool sim_memfd_check(int fd, size_t *size)
{
	struct stat st;
	int seals = fcntl(fd, F_GET_SEALS);

	if (seals < 0 || !(seals & F_SEAL_SHRINK))
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
		return false;
	if ((unsigned long long)st.st_size > SIZE_MAX)
		return false;
	*size = (size_t)st.st_size;
	return true;
}

bool sim_exe_dir(char *out, size_t cap)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	char *slash;

	if (n <= 0)
		return false;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return snprintf(out, cap, "%s", path[0] ? path : "/") < (int)cap;
}

bool sim_socket_path(char *out, size_t cap)
{
	const char *env = getenv("RX_TEEC_SIM_SOCKET");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;

	if (env && *env)
		n = snprintf(out, cap, "%s", env);
	else if (xdg && *xdg)
		n = snprintf(out, cap, "%s/rx-teec-sim.sock", xdg);
	else
		n = snprintf(out, cap, "/tmp/rx-teec-sim-%u.sock", (unsigned)geteuid());
	return n > 0 && (size_t)n < cap;
}

void sim_close_from(int lowfd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0u, 0) == 0)
		return;
#endif
	/* Old kernels: close a generous fixed range (no allocation here). */
	for (int fd = lowfd; fd < 65536; fd++)
		close(fd);
}

bool sim_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

int64_t sim_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
