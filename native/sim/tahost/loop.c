/* The TA host's single event loop. It runs on the TA thread, so entry points
 * are called directly and strictly one at a time, as GP TAs expect. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_log.h"
#include "sim_msg.h"
#include "tahost.h"

static struct th_session *sessions;
static size_t nsessions;
static int ctl_fd = -1;

static struct th_session *find_session(uint32_t id)
{
	for (struct th_session *s = sessions; s; s = s->next)
		if (s->id == id)
			return s;
	return NULL;
}

/* The client side of a session went away or misbehaved: stop listening to
 * it. The session itself lives until the daemon closes it. */
static void drop_channel(struct th_session *s)
{
	th_watch_remove(s);
	if (s->chan >= 0)
		close(s->chan);
	s->chan = -1;
	th_region_forget_all(s);
}

static void free_session(struct th_session *s)
{
	struct th_session **pp = &sessions;

	/* s is listed: close_session found it there. */
	while (*pp != s)
		pp = &(*pp)->next;
	*pp = s->next;
	drop_channel(s);
	if (s->cancel)
		munmap(s->cancel, SIM_CANCEL_PAGE_SIZE);
	free(s);
	nsessions--;
}

/* Tells the daemon something; a host the daemon cannot hear is of no use to
 * anyone, so it exits. */
static void ctl_send_or_exit(const struct sim_hdr *hdr)
{
	int err = sim_send(ctl_fd, hdr, NULL, false);

	if (err) {
		sim_log(SIM_LOG_ERROR, "control channel lost (%d)", err);
		exit(1);
	}
}

static void send_closed(uint32_t id)
{
	struct sim_ctl_session m;

	memset(&m, 0, sizeof(m));
	sim_hdr_init(&m.hdr, SIM_MSG_CTL_CLOSED, 0);
	m.session_id = id;
	ctl_send_or_exit(&m.hdr);
}

static void new_session(struct sim_rx *rx)
{
	const struct sim_ctl_new_session *m = (const void *)rx->u.bytes;
	int fd = sim_rx_take_fd(rx, 0);
	struct th_session *s;
	int err;

	if (fd < 0 || find_session(m->session_id)) {
		sim_log(SIM_LOG_ERROR, "bad new-session request for %u", m->session_id);
		if (fd >= 0)
			close(fd);
		send_closed(m->session_id);
		return;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		send_closed(m->session_id);
		return;
	}
	s->id = m->session_id;
	s->chan = fd;
	s->identity.login = m->login;
	memcpy(&s->identity.uuid, &m->identity, sizeof(s->identity.uuid));
	err = th_watch_add(s);
	if (err) {
		/* A session whose client's death we could not notice mid-call
		 * would rely on the daemon's watchdog alone: refuse it. */
		sim_log(SIM_LOG_ERROR, "session %u: cannot watch its channel (%d)", s->id, err);
		close(fd);
		free(s);
		send_closed(m->session_id);
		return;
	}
	s->next = sessions;
	sessions = s;
	nsessions++;
}

static void close_session(uint32_t id)
{
	struct th_session *s = find_session(id);

	if (s) {
		if (s->opened) {
			th_cancel_reset(s, 0);
			th_ta.close(s->ta_ctx);
			memset(&th_cur, 0, sizeof(th_cur));
			th_cur.cancel_masked = true;
		}
		free_session(s);
	}
	send_closed(id);
}

static void handle_ctl(void)
{
	struct sim_rx rx;
	int rv = sim_recv(ctl_fd, &rx);

	if (rv <= 0) {
		/* The daemon is gone (or broke the protocol): nobody can reach us. */
		sim_log(SIM_LOG_INFO, "control channel closed (%d), exiting", rv);
		exit(0);
	}
	switch (rx.u.hdr.type) {
	case SIM_MSG_CTL_NEW_SESSION:
		if (rx.nfds == 1) {
			new_session(&rx);
			break;
		}
		sim_log(SIM_LOG_ERROR, "new-session request without a channel");
		break;
	case SIM_MSG_CTL_CLOSE_SESSION:
		close_session(((const struct sim_ctl_session *)(const void *)rx.u.bytes)->session_id);
		break;
	case SIM_MSG_CTL_DESTROY:
		if (nsessions == 0) {
			th_ta.destroy();
			exit(0);
		}
		sim_log(SIM_LOG_ERROR, "destroy refused: %zu sessions left", nsessions);
		break;
	default:
		sim_log(SIM_LOG_ERROR, "unexpected control message %u", rx.u.hdr.type);
		break;
	}
	sim_rx_close_fds(&rx);
}

static void handle_chan(struct th_session *s)
{
	struct sim_rx rx;
	int rv = sim_recv(s->chan, &rx);
	bool keep = false;

	if (rv < 0)
		sim_log(SIM_LOG_ERROR, "session %u: bad message (%d), channel dropped", s->id, rv);
	if (rv <= 0) {
		drop_channel(s);
		return;
	}
	switch (rx.u.hdr.type) {
	case SIM_MSG_TA_OPEN:
	case SIM_MSG_TA_INVOKE:
		/* th_handle_call logs why it gives up on a channel. */
		if (!th_handle_call(s, &rx)) {
			sim_rx_close_fds(&rx);
			drop_channel(s);
			return;
		}
		keep = true;
		break;
	case SIM_MSG_TA_FORGET:
		if (rx.nfds == 0) {
			th_region_forget(s, ((const struct sim_ta_forget *)(const void *)rx.u.bytes)->shm_id);
			keep = true;
		}
		break;
	default:
		break;
	}
	sim_rx_close_fds(&rx);
	if (!keep) {
		sim_log(SIM_LOG_ERROR, "session %u: protocol violation, channel dropped", s->id);
		drop_channel(s);
	}
}

/* The TA's flags, before its create runs: the daemon then gives later openers
 * of a multi-instance TA instances of their own even if this create hangs. */
static void send_loaded(void)
{
	struct sim_ctl_loaded m;

	memset(&m, 0, sizeof(m));
	sim_hdr_init(&m.hdr, SIM_MSG_CTL_LOADED, 0);
	m.flags = th_ta.head->flags;
	ctl_send_or_exit(&m.hdr);
}

static void send_ready(uint32_t res)
{
	struct sim_ctl_ready m;

	memset(&m, 0, sizeof(m));
	sim_hdr_init(&m.hdr, SIM_MSG_CTL_READY, 0);
	m.result = res;
	m.origin = TEEC_ORIGIN_TRUSTED_APP; /* the create's result, success included */
	ctl_send_or_exit(&m.hdr);
}

void th_serve(int ctl)
{
	struct pollfd *pfd = NULL;
	uint32_t *ids = NULL;
	size_t cap = 0;
	uint32_t res;

	ctl_fd = ctl;
	send_loaded();
	res = th_ta.create();
	send_ready(res);
	if (res != 0)
		exit(0);
	for (;;) {
		size_t n = 1;

		if (cap < nsessions + 1) {
			size_t ncap = nsessions + 16;
			struct pollfd *np = realloc(pfd, ncap * sizeof(*np));
			uint32_t *ni;

			if (!np)
				exit(1);
			pfd = np;
			ni = realloc(ids, ncap * sizeof(*ni));
			if (!ni)
				exit(1);
			ids = ni;
			cap = ncap;
		}
		pfd[0] = (struct pollfd){ .fd = ctl_fd, .events = POLLIN };
		for (struct th_session *s = sessions; s; s = s->next) {
			if (s->chan < 0)
				continue;
			pfd[n] = (struct pollfd){ .fd = s->chan, .events = POLLIN };
			ids[n++] = s->id;
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			sim_log(SIM_LOG_ERROR, "poll: %s", strerror(errno));
			exit(1);
		}
		/* Sessions first; the control channel may free sessions. */
		for (size_t i = 1; i < n; i++) {
			struct th_session *s;

			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			s = find_session(ids[i]);
			if (s && s->chan == pfd[i].fd)
				handle_chan(s);
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			handle_ctl();
	}
}
