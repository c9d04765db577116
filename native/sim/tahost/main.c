/*
 * tee-sim-tahost: runs one TA instance. Started by tee-simd only:
 *   tee-sim-tahost <control-fd> <ta-file> <uuid>
 * The control fd is a SOCK_SEQPACKET socket to the daemon.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "sim_log.h"
#include "sim_msg.h"
#include "sim_util.h"
#include "sim_uuid.h"
#include "tahost.h"

/* Room for our own loop and libc on top of the TA's declared stack. */
#define TH_STACK_EXTRA (256u * 1024u)

static int ctl;

static void *ta_thread(void *arg)
{
	(void)arg;
	th_serve(ctl);
}

static void report_load_failure(uint32_t res)
{
	struct sim_ctl_ready m;

	memset(&m, 0, sizeof(m));
	sim_hdr_init(&m.hdr, SIM_MSG_CTL_READY, 0);
	m.result = res;
	m.origin = TEEC_ORIGIN_TEE; /* the TA never ran */
	if (sim_send(ctl, &m.hdr, NULL, false) != 0)
		sim_log(SIM_LOG_ERROR, "cannot report load failure");
}

int main(int argc, char **argv)
{
	struct sim_uuid uuid;
	unsigned long fd;
	struct stat st;
	pthread_attr_t attr;
	pthread_t th;
	size_t stack;
	uint32_t res;
	int err;

	sim_log_init("tee-sim-tahost");
	if (argc != 4 || !sim_parse_uint(argv[1], INT_MAX, &fd) ||
	    !sim_uuid_from_str(argv[3], &uuid)) {
		fprintf(stderr, "usage: tee-sim-tahost <control-fd> <ta-file> <uuid> (started by tee-simd)\n");
		return 2;
	}
	ctl = (int)fd;
	if (fstat(ctl, &st) != 0 || !S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "tee-sim-tahost: fd %d is not the daemon's control socket\n", ctl);
		return 2;
	}
	if (fcntl(ctl, F_SETFD, FD_CLOEXEC) != 0)
		return 1;
	/* Die with the daemon, and never on a peer that went away. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGPIPE, SIG_IGN);

	res = th_load(argv[2], &uuid);
	if (res) {
		report_load_failure(res);
		return 1;
	}
	err = th_watch_start();
	if (err) {
		sim_log(SIM_LOG_ERROR, "cannot start the client watch: %s", strerror(-err));
		report_load_failure(TEEC_ERROR_OUT_OF_MEMORY);
		return 1;
	}
	stack = th_ta.head->stack_size;
	if (stack > SIZE_MAX - TH_STACK_EXTRA - PTHREAD_STACK_MIN)
		stack = 64u * 1024u * 1024u;
	stack += TH_STACK_EXTRA + PTHREAD_STACK_MIN;
	if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, stack) != 0)
		return 1;
	err = pthread_create(&th, &attr, ta_thread, NULL);
	pthread_attr_destroy(&attr);
	if (err) {
		sim_log(SIM_LOG_ERROR, "cannot start the TA thread: %s", strerror(err));
		report_load_failure(TEEC_ERROR_OUT_OF_MEMORY);
		return 1;
	}
	pthread_join(th, NULL);
	return 0;
}
