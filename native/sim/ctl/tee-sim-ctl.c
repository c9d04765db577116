/*
 * tee-sim-ctl: asks a running tee-simd for its status, or stops it.
 *
 *   tee-sim-ctl [--socket PATH] [--json] status
 *   tee-sim-ctl [--socket PATH] stop
 *
 * Never starts a daemon. Exit status: 0 ok, 3 no daemon answers, 1 error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sim_msg.h"
#include "sim_util.h"
#include "sim_uuid.h"

static const char *state_name(uint32_t s)
{
	return s == SIM_INST_STARTING ? "starting" : s == SIM_INST_READY ? "ready" : "dying";
}

static int connect_to(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -1;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void print_status(const struct sim_status_rep *r, bool json)
{
	uint32_t nc = r->num_clients < SIM_STATUS_MAX_CLIENTS ? r->num_clients : SIM_STATUS_MAX_CLIENTS;
	uint32_t ni = r->num_instances < SIM_STATUS_MAX_INST ? r->num_instances : SIM_STATUS_MAX_INST;
	char u[SIM_UUID_STR_LEN];

	if (json) {
		printf("{\"pid\":%u,\"clients\":%u,\"sessions\":%u,\"instances\":%u,\"clientPids\":[",
		       r->daemon_pid, r->num_clients, r->num_sessions, r->num_instances);
		for (uint32_t i = 0; i < nc; i++)
			printf("%s%u", i ? "," : "", r->client_pids[i]);
		printf("],\"tas\":[");
		for (uint32_t i = 0; i < ni; i++) {
			sim_uuid_to_str(&r->inst[i].uuid, u);
			printf("%s{\"uuid\":\"%s\",\"pid\":%u,\"sessions\":%u,\"flags\":%u,\"state\":\"%s\"}",
			       i ? "," : "", u, r->inst[i].pid, r->inst[i].sessions, r->inst[i].flags,
			       state_name(r->inst[i].state));
		}
		printf("]}\n");
		return;
	}
	printf("daemon pid %u: %u client(s), %u session(s), %u TA instance(s)\n", r->daemon_pid,
	       r->num_clients, r->num_sessions, r->num_instances);
	for (uint32_t i = 0; i < nc; i++)
		printf("  client pid %u\n", r->client_pids[i]);
	for (uint32_t i = 0; i < ni; i++) {
		sim_uuid_to_str(&r->inst[i].uuid, u);
		printf("  TA %s pid %u sessions %u flags 0x%x %s\n", u, r->inst[i].pid,
		       r->inst[i].sessions, r->inst[i].flags, state_name(r->inst[i].state));
	}
}

int main(int argc, char **argv)
{
	char path[108];
	const char *sock = NULL, *cmd = NULL;
	bool json = false;
	struct sim_empty req;
	struct sim_rx *rx;
	int fd, rv;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			sock = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!cmd && (!strcmp(argv[i], "status") || !strcmp(argv[i], "stop")))
			cmd = argv[i];
		else
			cmd = NULL, i = argc;
	}
	if (!cmd) {
		fprintf(stderr, "usage: tee-sim-ctl [--socket PATH] [--json] status|stop\n");
		return 2;
	}
	if (sock ? snprintf(path, sizeof(path), "%s", sock) >= (int)sizeof(path)
		 : !sim_socket_path(path, sizeof(path))) {
		fprintf(stderr, "tee-sim-ctl: socket path too long\n");
		return 2;
	}
	fd = connect_to(path);
	if (fd < 0) {
		if (!strcmp(cmd, "stop"))
			return 0; /* nothing to stop */
		fprintf(stderr, "tee-sim-ctl: no daemon at %s\n", path);
		return 3;
	}
	rx = malloc(sizeof(*rx));
	if (!rx)
		return 1;
	memset(&req, 0, sizeof(req));
	sim_hdr_init(&req.hdr, !strcmp(cmd, "stop") ? SIM_MSG_STOP_REQ : SIM_MSG_STATUS_REQ, 0);
	rv = sim_send(fd, &req.hdr, NULL, false);
	if (rv == 0)
		rv = sim_recv(fd, rx);
	if (rv <= 0) {
		fprintf(stderr, "tee-sim-ctl: no answer from %s\n", path);
		return 1;
	}
	if (rx->u.hdr.type == SIM_MSG_STATUS_REP) {
		print_status((const void *)rx->u.bytes, json);
	} else if (rx->u.hdr.type == SIM_MSG_STOP_REP) {
		/* Wait until the daemon has closed our connection: it is gone. */
		while (sim_recv(fd, rx) > 0)
			sim_rx_close_fds(rx);
	} else {
		fprintf(stderr, "tee-sim-ctl: unexpected answer\n");
		return 1;
	}
	close(fd);
	free(rx);
	return 0;
}
