/*
 * tee-simd: the simulator's secure-side daemon (one per user).
 *
 *   tee-simd [--socket PATH] [--ta-path DIRS] [--foreground] [--idle-exit SECONDS]
 *            [--dead-client-grace MS]
 *
 * Brokers session opening (policy, client identity, TA instance lookup or
 * start) and hands each session a direct channel to its TA host.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim_log.h"
#include "sim_util.h"
#include "simd.h"

struct d_config d_cfg;
bool d_stop_requested;

static void usage(void)
{
	fprintf(stderr,
		"usage: tee-simd [--socket PATH] [--ta-path DIR[:DIR...]] [--foreground]\n"
		"                [--idle-exit SECONDS] [--dead-client-grace MS]\n"
		"env: RX_TEEC_SIM_SOCKET, RX_TEEC_SIM_TA_PATH, RX_TEEC_SIM_TAHOST, RX_TEEC_SIM_LOG,\n"
		"     RX_TEEC_SIM_DEAD_CLIENT_GRACE_MS\n");
}

static bool set_str(char *dst, size_t cap, const char *src)
{
	int n = snprintf(dst, cap, "%s", src);

	return n >= 0 && (size_t)n < cap;
}

static bool configure(int argc, char **argv, bool *foreground)
{
	const char *sock = NULL, *ta = getenv("RX_TEEC_SIM_TA_PATH");
	const char *tahost = getenv("RX_TEEC_SIM_TAHOST");
	const char *grace = getenv("RX_TEEC_SIM_DEAD_CLIENT_GRACE_MS");
	char dir[4096];

	*foreground = false;
	d_cfg.dead_client_grace_ms = D_DEAD_CLIENT_GRACE_MS_DEFAULT;
	/* A typo here would silently change when TAs get killed: refuse it. */
	if (grace && *grace &&
	    !sim_parse_uint(grace, D_DEAD_CLIENT_GRACE_MS_MAX, &d_cfg.dead_client_grace_ms)) {
		fprintf(stderr, "tee-simd: bad RX_TEEC_SIM_DEAD_CLIENT_GRACE_MS '%s'\n", grace);
		return false;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--foreground") || !strcmp(a, "-f")) {
			*foreground = true;
		} else if (!strcmp(a, "--socket") && i + 1 < argc) {
			sock = argv[++i];
		} else if (!strcmp(a, "--ta-path") && i + 1 < argc) {
			ta = argv[++i];
		} else if (!strcmp(a, "--idle-exit") && i + 1 < argc) {
			if (!sim_parse_uint(argv[++i], 100000000, &d_cfg.idle_exit))
				return false;
		} else if (!strcmp(a, "--dead-client-grace") && i + 1 < argc) {
			if (!sim_parse_uint(argv[++i], D_DEAD_CLIENT_GRACE_MS_MAX,
					    &d_cfg.dead_client_grace_ms))
				return false;
		} else {
			return false;
		}
	}
	if (sock ? !set_str(d_cfg.socket_path, sizeof(d_cfg.socket_path), sock)
		 : !sim_socket_path(d_cfg.socket_path, sizeof(d_cfg.socket_path))) {
		fprintf(stderr, "tee-simd: socket path too long\n");
		return false;
	}
	if (!sim_exe_dir(dir, sizeof(dir))) {
		fprintf(stderr, "tee-simd: cannot find my own directory\n");
		return false;
	}
	if (ta && *ta) {
		if (!set_str(d_cfg.ta_path, sizeof(d_cfg.ta_path), ta))
			return false;
	} else if (snprintf(d_cfg.ta_path, sizeof(d_cfg.ta_path), "%s/../ta", dir) >=
		   (int)sizeof(d_cfg.ta_path)) {
		return false;
	}
	if (tahost && *tahost) {
		if (!set_str(d_cfg.tahost, sizeof(d_cfg.tahost), tahost))
			return false;
	} else if (snprintf(d_cfg.tahost, sizeof(d_cfg.tahost), "%s/tee-sim-tahost", dir) >=
		   (int)sizeof(d_cfg.tahost)) {
		return false;
	}
	return true;
}

/* Held for the daemon's lifetime: a second daemon on the same socket exits. */
static int take_daemon_lock(void)
{
	char path[sizeof(d_cfg.socket_path) + 16];
	int fd;

	snprintf(path, sizeof(path), "%s.lock", d_cfg.socket_path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return -2;
	}
	return fd;
}

static int listen_socket(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(d_cfg.socket_path) >= sizeof(addr.sun_path))
		return -1;
	memcpy(addr.sun_path, d_cfg.socket_path, strlen(d_cfg.socket_path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	/* A stale socket (we hold the lock, no daemon owns it) is replaced;
	 * anything else at that path is left alone. */
	if (lstat(d_cfg.socket_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			sim_log(SIM_LOG_ERROR, "%s exists and is not a socket", d_cfg.socket_path);
			close(fd);
			return -1;
		}
		unlink(d_cfg.socket_path);
	}
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    chmod(d_cfg.socket_path, 0600) != 0 || listen(fd, 64) != 0) {
		sim_log(SIM_LOG_ERROR, "cannot listen on %s: %s", d_cfg.socket_path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Detaches from the terminal once the socket is listening, so that whoever
 * started us can connect as soon as we return. */
static bool daemonize(void)
{
	pid_t pid = fork();
	int null;

	if (pid < 0)
		return false;
	if (pid > 0)
		_exit(0);
	setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (!getenv("RX_TEEC_SIM_LOG"))
			dup2(null, 2);
		close(null);
	}
	return true;
}

static void serve(int lfd, int sfd)
{
	struct pollfd *pfd = NULL;
	void **who = NULL;
	size_t cap = 0;
	int64_t idle_since = sim_now_ms();

	while (!d_stop_requested) {
		size_t n = 2, want = 2;
		int timeout = -1, rv, wd;

		for (struct d_client *c = d_clients; c; c = c->next)
			want++;
		for (struct d_instance *in = d_instances; in; in = in->next)
			want++;
		if (want > cap) {
			struct pollfd *np = realloc(pfd, want * 2 * sizeof(*np));
			void **nw;

			if (!np)
				break;
			pfd = np;
			nw = realloc(who, want * 2 * sizeof(*nw));
			if (!nw)
				break;
			who = nw;
			cap = want * 2;
		}
		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		for (struct d_client *c = d_clients; c; c = c->next) {
			/* Always read: a client bounds its outstanding requests itself,
			 * and an OPEN_CANCEL must get through while its open waits. */
			pfd[n] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
			who[n++] = c;
		}
		for (struct d_instance *in = d_instances; in; in = in->next) {
			pfd[n] = (struct pollfd){ .fd = in->ctl, .events = POLLIN };
			who[n++] = in;
		}
		if (d_clients)
			idle_since = sim_now_ms();
		else if (d_cfg.idle_exit) {
			int64_t left = idle_since + (int64_t)d_cfg.idle_exit * 1000 - sim_now_ms();

			if (left <= 0) {
				sim_log(SIM_LOG_INFO, "idle for %lus, exiting", d_cfg.idle_exit);
				break;
			}
			timeout = (int)(left > 3600000 ? 3600000 : left);
		}
		/* After the last turn's sweep, so dropped clients count as dead. */
		wd = d_watchdog();
		if (wd >= 0 && (timeout < 0 || wd < timeout))
			timeout = wd;
		rv = poll(pfd, n, timeout);
		if (rv < 0) {
			if (errno == EINTR)
				continue;
			sim_log(SIM_LOG_ERROR, "poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT ||
				    si.ssi_signo == SIGHUP)
					d_stop_requested = true;
			}
			d_reap_children();
		}
		/* Handlers may free clients and instances: look each one up again. */
		for (size_t i = 2; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			for (struct d_client *c = d_clients; c; c = c->next) {
				if (c == who[i] && c->fd == pfd[i].fd && !c->dead) {
					if (pfd[i].revents & POLLIN)
						d_client_readable(c);
					else if (pfd[i].revents & (POLLHUP | POLLERR))
						c->dead = true;
					break;
				}
			}
			for (struct d_instance *in = d_instances; in; in = in->next) {
				if (in == who[i] && in->ctl == pfd[i].fd) {
					d_instance_readable(in);
					break;
				}
			}
			d_sweep_clients();
		}
		if (pfd[0].revents & POLLIN)
			d_client_accept(lfd);
	}
	free(pfd);
	free(who);
}

int main(int argc, char **argv)
{
	sigset_t mask;
	bool foreground;
	int lock, lfd, sfd;

	umask(077);
	sim_log_init("tee-simd");
	if (!configure(argc, argv, &foreground)) {
		usage();
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	/* An inherited SIG_IGN would make the kernel reap TA hosts for us and
	 * hide their deaths. */
	signal(SIGCHLD, SIG_DFL);
	lock = take_daemon_lock();
	if (lock == -2) {
		fprintf(stderr, "tee-simd: a daemon already serves %s\n", d_cfg.socket_path);
		return 1;
	}
	if (lock < 0) {
		fprintf(stderr, "tee-simd: cannot lock %s.lock: %s\n", d_cfg.socket_path,
			strerror(errno));
		return 1;
	}
	lfd = listen_socket();
	if (lfd < 0)
		return 1;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0 ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		sim_log(SIM_LOG_ERROR, "signalfd: %s", strerror(errno));
		return 1;
	}
	if (!foreground && !daemonize())
		return 1;
	sim_log(SIM_LOG_INFO, "listening on %s, TAs in %s", d_cfg.socket_path, d_cfg.ta_path);
	serve(lfd, sfd);

	/* Shut down: no new clients, every TA host ends, the socket goes. */
	unlink(d_cfg.socket_path);
	close(lfd);
	d_kill_all_instances();
	while (d_clients) {
		d_clients->dead = true;
		d_sweep_clients();
	}
	sim_log(SIM_LOG_INFO, "stopped");
	close(lock);
	return 0;
}
