/* Connecting to the daemon, and starting it when nobody answers. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim_util.h"
#include "teec_internal.h"

/* How long a client waits for a daemon it started to listen. */
#define CL_START_TIMEOUT_MS 10000
/* Idle timeout given to a daemon started on demand (seconds). */
#define CL_DEFAULT_IDLE_EXIT "10"

static int try_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	int fd, rc;

	if (len >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	memcpy(addr.sun_path, path, len + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	do {
		rc = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
	} while (rc != 0 && errno == EINTR);
	if (rc != 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

/* RX_TEEC_SIM_DAEMON, else ../bin/tee-simd next to this library. */
static bool daemon_path(char *out, size_t cap)
{
	const char *env = getenv("RX_TEEC_SIM_DAEMON");
	char real[PATH_MAX];
	Dl_info info;
	char *slash;

	if (env && *env)
		return snprintf(out, cap, "%s", env) < (int)cap;
	if (!dladdr((void *)daemon_path, &info) || !info.dli_fname ||
	    !realpath(info.dli_fname, real))
		return false;
	slash = strrchr(real, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return snprintf(out, cap, "%s/../bin/tee-simd", real) < (int)cap;
}

/* Starts the daemon detached (double fork, new session, stdio on
 * /dev/null, none of our descriptors). Only async-signal-safe calls happen
 * between fork and exec: the client may be multithreaded. */
static int spawn_daemon(const char *sock)
{
	char exe[PATH_MAX];
	const char *idle = getenv("RX_TEEC_SIM_IDLE_EXIT");
	const char *log = getenv("RX_TEEC_SIM_LOG");
	unsigned long v;
	char *argv[8];
	int null, err_fd, status;
	pid_t pid;

	if (!daemon_path(exe, sizeof(exe)))
		return -ENOENT;
	if (access(exe, X_OK) != 0)
		return -errno;
	if (!idle || !sim_parse_uint(idle, 100000000, &v))
		idle = CL_DEFAULT_IDLE_EXIT;
	argv[0] = exe;
	argv[1] = "--foreground";
	argv[2] = "--socket";
	argv[3] = (char *)sock;
	argv[4] = "--idle-exit";
	argv[5] = (char *)idle;
	argv[6] = NULL;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return -errno;
	/* With a log file, the daemon's stderr (sanitizer reports, crashes of
	 * the TA hosts it starts) goes there too; else nowhere. */
	err_fd = log && *log ? open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
	if (err_fd < 0)
		err_fd = null;
	pid = fork();
	if (pid < 0) {
		int err = errno;

		close(null);
		if (err_fd != null)
			close(err_fd);
		return -err;
	}
	if (pid == 0) {
		sigset_t none;

		if (fork() != 0)
			_exit(0); /* the daemon is reparented, never our zombie */
		setsid();
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(err_fd, 2) < 0)
			_exit(127);
		sim_close_from(3); /* the app's descriptors must not leak into it */
		execv(exe, argv);
		_exit(127);
	}
	close(null);
	if (err_fd != null)
		close(err_fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

int cl_connect(void)
{
	char sock[108], lock_path[128];
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int fd, lock, err;

	if (!sim_socket_path(sock, sizeof(sock)))
		return -ENAMETOOLONG;
	fd = try_connect(sock);
	if (fd >= 0 || (fd != -ENOENT && fd != -ECONNREFUSED))
		return fd;

	/* Nobody answers: one client (per socket) starts the daemon. */
	snprintf(lock_path, sizeof(lock_path), "%s.start-lock", sock);
	lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0)
		return -errno;
	while (flock(lock, LOCK_EX) != 0) {
		if (errno != EINTR) {
			err = -errno;
			close(lock);
			return err;
		}
	}
	fd = try_connect(sock);
	if (fd < 0) {
		err = spawn_daemon(sock);
		for (int waited = 0; err == 0 && waited < CL_START_TIMEOUT_MS; waited += 10) {
			fd = try_connect(sock);
			if (fd >= 0 || (fd != -ENOENT && fd != -ECONNREFUSED))
				break;
			nanosleep(&pause, NULL);
		}
		if (err)
			fd = err;
	}
	close(lock); /* releases the flock */
	return fd;
}
