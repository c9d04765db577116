/* Client connections (one per TEEC_Context): accept, requests, replies. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim_log.h"
#include "sim_uuid.h"
#include "simd.h"

/* Bounds what one user can make the daemon hold. */
#define D_MAX_CLIENTS 1024u

struct d_client *d_clients;

static unsigned count_clients(void)
{
	unsigned n = 0;

	for (struct d_client *c = d_clients; c; c = c->next)
		n++;
	return n;
}

void d_client_accept(int listen_fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct d_client *cl;
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			sim_log(SIM_LOG_ERROR, "accept: %s", strerror(errno));
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof(cred)) {
		close(fd);
		return;
	}
	/* One daemon per user: only that user (or root) may talk to it. */
	if (cred.uid != geteuid() && cred.uid != 0) {
		sim_log(SIM_LOG_ERROR, "refused connection from uid %u", (unsigned)cred.uid);
		close(fd);
		return;
	}
	if (count_clients() >= D_MAX_CLIENTS || !(cl = calloc(1, sizeof(*cl)))) {
		sim_log(SIM_LOG_ERROR, "refused connection from pid %d: too many clients", (int)cred.pid);
		close(fd);
		return;
	}
	cl->fd = fd;
	cl->pid = cred.pid;
	cl->uid = cred.uid;
	cl->gid = cred.gid;
	cl->next = d_clients;
	d_clients = cl;
	sim_log(SIM_LOG_DEBUG, "client pid %d connected", (int)cl->pid);
}

/* The client is gone (or broke the protocol): release everything it held.
 * Only called from d_sweep_clients, never from inside another list walk. */
static void client_drop(struct d_client *cl)
{
	struct d_client **pp = &d_clients;

	sim_log(SIM_LOG_DEBUG, "client pid %d gone", (int)cl->pid);
	d_instances_drop_client(cl);
	for (struct d_session *s = d_sessions, *next; s; s = next) {
		next = s->next; /* d_session_close may free s */
		if (s->close_waiter == cl)
			s->close_waiter = NULL;
		if (s->cl == cl) {
			s->cl = NULL;
			if (!s->closing)
				d_session_close(s, NULL, 0);
		}
	}
	/* cl is listed: d_sweep_clients found it in d_clients. */
	while (*pp != cl)
		pp = &(*pp)->next;
	*pp = cl->next;
	close(cl->fd);
	free(cl);
}

void d_sweep_clients(void)
{
	struct d_client *cl = d_clients;

	while (cl) {
		struct d_client *next = cl->next;

		if (cl->dead)
			client_drop(cl);
		cl = next;
	}
}

/* Sends the reply to the client's request `tag` without ever blocking the
 * daemon; a client that cannot take it is marked dead (dropped by the next
 * sweep). */
bool d_reply(struct d_client *cl, uint64_t tag, struct sim_hdr *hdr, const int *fds)
{
	int err;

	/* Never below 0: every reply answers a request take_request counted, and
	 * only once (an open is answered as it is freed, a close waiter is
	 * cleared as it is answered). */
	cl->pending--;
	hdr->tag = tag;
	if (cl->dead)
		return false;
	err = sim_send(cl->fd, hdr, fds, true);
	if (err) {
		sim_log(SIM_LOG_INFO, "client pid %d: reply failed (%d)", (int)cl->pid, err);
		cl->dead = true;
		return false;
	}
	return true;
}

void d_reply_open(struct d_client *cl, uint64_t tag, uint32_t res, uint32_t origin, uint32_t sid,
		  int fd)
{
	struct sim_open_rep rep;

	memset(&rep, 0, sizeof(rep));
	sim_hdr_init(&rep.hdr, SIM_MSG_OPEN_REP, fd >= 0 ? 1 : 0);
	rep.result = res;
	rep.origin = origin;
	rep.session_id = sid;
	d_reply(cl, tag, &rep.hdr, fd >= 0 ? &fd : NULL);
}

static void handle_open(struct d_client *cl, const struct sim_open_req *req)
{
	uint64_t tag = req->hdr.tag;
	struct d_pending_open *p;
	char path[4200];
	uint32_t res, origin;

	p = calloc(1, sizeof(*p));
	if (!p) {
		d_reply_open(cl, tag, TEEC_ERROR_OUT_OF_MEMORY, TEEC_ORIGIN_TEE, 0, -1);
		return;
	}
	p->cl = cl;
	p->tag = tag;
	p->uuid = req->uuid;
	p->login = req->login;
	res = d_identity(cl, req->login, req->gid, &p->identity, &origin);
	if (res) {
		free(p);
		d_reply_open(cl, tag, res, origin, 0, -1);
		return;
	}
	if (!d_find_ta(&req->uuid, path, sizeof(path))) {
		char name[SIM_UUID_STR_LEN];

		sim_uuid_to_str(&req->uuid, name);
		sim_log(SIM_LOG_INFO, "no TA %s in %s", name, d_cfg.ta_path);
		free(p);
		d_reply_open(cl, tag, TEEC_ERROR_ITEM_NOT_FOUND, TEEC_ORIGIN_TEE, 0, -1);
		return;
	}
	d_open_dispatch(p);
}

static void handle_close(struct d_client *cl, const struct sim_close_req *req)
{
	struct sim_close_rep rep;

	for (struct d_session *s = d_sessions; s; s = s->next) {
		if (s->id == req->session_id && s->cl == cl && !s->closing) {
			d_session_close(s, cl, req->hdr.tag);
			return;
		}
	}
	/* Unknown or already gone (its instance died): closing it succeeds. */
	memset(&rep, 0, sizeof(rep));
	sim_hdr_init(&rep.hdr, SIM_MSG_CLOSE_REP, 0);
	d_reply(cl, req->hdr.tag, &rep.hdr, NULL);
}

static void handle_status(struct d_client *cl, uint64_t tag)
{
	struct sim_status_rep *rep = calloc(1, sizeof(*rep));
	unsigned n = 0;

	if (!rep) {
		cl->dead = true;
		return;
	}
	sim_hdr_init(&rep->hdr, SIM_MSG_STATUS_REP, 0);
	rep->daemon_pid = (uint32_t)getpid();
	for (struct d_client *c = d_clients; c; c = c->next, n++)
		if (n < SIM_STATUS_MAX_CLIENTS)
			rep->client_pids[n] = (uint32_t)c->pid;
	rep->num_clients = n;
	n = 0;
	for (struct d_session *s = d_sessions; s; s = s->next)
		n++;
	rep->num_sessions = n;
	n = 0;
	for (struct d_instance *in = d_instances; in; in = in->next, n++) {
		if (n < SIM_STATUS_MAX_INST) {
			struct sim_status_inst *si = &rep->inst[n];

			si->uuid = in->uuid;
			si->pid = (uint32_t)in->pid;
			si->sessions = in->nsessions;
			si->flags = in->flags;
			si->state = (uint32_t)in->state;
		}
	}
	rep->num_instances = n;
	d_reply(cl, tag, &rep->hdr, NULL);
	free(rep);
}

/* A request that wants a reply: a client may have SIM_MAX_REQUESTS of them
 * outstanding (its library waits for a free one), so one that sends more is
 * broken or hostile. */
static bool take_request(struct d_client *cl, uint16_t type)
{
	if (type == SIM_MSG_OPEN_CANCEL)
		return true;
	if (cl->pending >= SIM_MAX_REQUESTS) {
		sim_log(SIM_LOG_ERROR, "client pid %d: more than %u requests outstanding, dropped",
			(int)cl->pid, SIM_MAX_REQUESTS);
		cl->dead = true;
		return false;
	}
	cl->pending++;
	return true;
}

void d_client_readable(struct d_client *cl)
{
	struct sim_rx *rx = malloc(sizeof(*rx));
	struct sim_empty empty;
	int rv;

	if (!rx) {
		cl->dead = true;
		return;
	}
	rv = sim_recv(cl->fd, rx);
	if (rv < 0)
		sim_log(SIM_LOG_ERROR, "client pid %d: bad message (%d), dropped", (int)cl->pid, rv);
	/* Clients never send descriptors to the daemon. */
	if (rv <= 0 || rx->nfds != 0) {
		sim_rx_close_fds(rx);
		free(rx);
		cl->dead = true;
		return;
	}
	if (!take_request(cl, rx->u.hdr.type)) {
		free(rx);
		return;
	}
	switch (rx->u.hdr.type) {
	case SIM_MSG_OPEN_REQ:
		handle_open(cl, (const void *)rx->u.bytes);
		break;
	case SIM_MSG_OPEN_CANCEL:
		d_open_cancel(cl, rx->u.hdr.tag);
		break;
	case SIM_MSG_CLOSE_REQ:
		handle_close(cl, (const void *)rx->u.bytes);
		break;
	case SIM_MSG_STATUS_REQ:
		handle_status(cl, rx->u.hdr.tag);
		break;
	case SIM_MSG_STOP_REQ:
		sim_log(SIM_LOG_INFO, "stop requested by pid %d", (int)cl->pid);
		memset(&empty, 0, sizeof(empty));
		sim_hdr_init(&empty.hdr, SIM_MSG_STOP_REP, 0);
		d_stop_requested = true;
		d_reply(cl, rx->u.hdr.tag, &empty.hdr, NULL);
		break;
	default:
		sim_log(SIM_LOG_ERROR, "client pid %d: unexpected message %u, dropped", (int)cl->pid,
			rx->u.hdr.type);
		cl->dead = true;
		break;
	}
	free(rx);
}
