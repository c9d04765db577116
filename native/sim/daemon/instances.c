/* TA instances: spawning TA hosts, attaching sessions, the control channel,
 * and what happens when a host ends. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim_log.h"
#include "sim_uuid.h"
#include "simd.h"

/* Bounds the TA processes one user can make the daemon start. */
#define D_MAX_INSTANCES 512u

struct d_session *d_sessions;
struct d_instance *d_instances;

/* Flags learnt from each TA's header, so multi-instance TAs are recognised
 * before their host reports (keyed by UUID; refreshed on every LOADED). */
struct flag_cache {
	struct sim_uuid uuid;
	uint32_t flags;
	struct flag_cache *next;
};
static struct flag_cache *flag_cache;
static uint32_t next_session_id = 1;

static bool uuid_eq(const struct sim_uuid *a, const struct sim_uuid *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static bool cached_flags(const struct sim_uuid *u, uint32_t *flags)
{
	for (struct flag_cache *c = flag_cache; c; c = c->next) {
		if (uuid_eq(&c->uuid, u)) {
			*flags = c->flags;
			return true;
		}
	}
	return false;
}

static void cache_flags(const struct sim_uuid *u, uint32_t flags)
{
	struct flag_cache *c;

	for (c = flag_cache; c; c = c->next) {
		if (uuid_eq(&c->uuid, u)) {
			c->flags = flags;
			return;
		}
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return; /* only an optimisation */
	c->uuid = *u;
	c->flags = flags;
	c->next = flag_cache;
	flag_cache = c;
}

static bool is_single(const struct d_instance *in)
{
	return in->flags & SIM_TA_FLAG_SINGLE_INSTANCE;
}

static unsigned count_instances(void)
{
	unsigned n = 0;

	for (struct d_instance *in = d_instances; in; in = in->next)
		n++;
	return n;
}

void d_kill_instance(struct d_instance *in, int level, const char *why)
{
	char name[SIM_UUID_STR_LEN];

	if (in->killed)
		return;
	sim_uuid_to_str(&in->uuid, name);
	sim_log(level, "TA %s: host %d %s: killing it", name, (int)in->pid, why);
	/* Not expected to fail: an instance is forgotten as its pid is reaped,
	 * so the pid is still our child's. */
	if (kill(in->pid, SIGKILL) != 0)
		sim_log(SIM_LOG_ERROR, "kill %d: %s", (int)in->pid, strerror(errno));
	/* No new session or open may join it; the reaper forgets it. */
	in->state = SIM_INST_DYING;
	in->killed = true;
}

static bool ctl_send(struct d_instance *in, struct sim_hdr *hdr, const int *fds)
{
	char why[64];
	int err;

	err = sim_send(in->ctl, hdr, fds, true);
	if (err) {
		/* A host that does not take control messages is useless: end it;
		 * the reaper reports its sessions dead. */
		snprintf(why, sizeof(why), "control send failed (%d)", err);
		d_kill_instance(in, SIM_LOG_ERROR, why);
		return false;
	}
	return true;
}

/* Ends an instance nobody uses any more (unless it is kept alive). */
static void maybe_retire(struct d_instance *in)
{
	struct sim_empty m;

	/* A READY instance has no queue: on_ready took it. */
	if (in->state != SIM_INST_READY || in->nsessions > 0)
		return;
	if (is_single(in) && (in->flags & SIM_TA_FLAG_INSTANCE_KEEP_ALIVE))
		return;
	memset(&m, 0, sizeof(m));
	sim_hdr_init(&m.hdr, SIM_MSG_CTL_DESTROY, 0);
	in->state = SIM_INST_DYING;
	ctl_send(in, &m.hdr, NULL);
}

static uint32_t new_session_id(void)
{
	for (;;) {
		uint32_t id = next_session_id++;
		bool used = false;

		if (id == 0)
			continue;
		for (struct d_session *s = d_sessions; s; s = s->next)
			used |= s->id == id;
		if (!used)
			return id;
	}
}

/* Answers an open that got no session, and frees it. */
static void refuse(struct d_pending_open *p, uint32_t res, uint32_t origin)
{
	struct d_client *cl = p->cl;
	uint64_t tag = p->tag;

	free(p);
	d_reply_open(cl, tag, res, origin, 0, -1);
}

/* Refuses every open of the list q. */
static void refuse_all(struct d_pending_open *q, uint32_t res, uint32_t origin)
{
	while (q) {
		struct d_pending_open *next = q->next;

		refuse(q, res, origin);
		q = next;
	}
}

/* Gives p's client a session on a READY instance, or an error. Frees p.
 * Never retires the instance: on_ready does once its whole queue is attached,
 * and d_open_dispatch finds no READY instance without sessions that is not
 * kept alive (the last close or a failed on_ready retires it). */
static void attach(struct d_instance *in, struct d_pending_open *p)
{
	struct d_client *cl = p->cl;
	uint64_t tag = p->tag;
	struct sim_ctl_new_session m;
	struct d_session *s;
	int sp[2];

	if (is_single(in) && !(in->flags & SIM_TA_FLAG_MULTI_SESSION) && in->nsessions > 0) {
		refuse(p, TEEC_ERROR_BUSY, TEEC_ORIGIN_TEE);
		return;
	}
	s = calloc(1, sizeof(*s));
	if (!s || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0) {
		free(s);
		refuse(p, TEEC_ERROR_OUT_OF_MEMORY, TEEC_ORIGIN_TEE);
		return;
	}
	s->id = new_session_id();
	s->cl = cl;
	s->inst = in;
	memset(&m, 0, sizeof(m));
	sim_hdr_init(&m.hdr, SIM_MSG_CTL_NEW_SESSION, 1);
	m.session_id = s->id;
	m.login = p->login;
	m.identity = p->identity;
	free(p);
	if (!ctl_send(in, &m.hdr, &sp[0])) {
		close(sp[0]);
		close(sp[1]);
		free(s);
		d_reply_open(cl, tag, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE, 0, -1);
		return;
	}
	close(sp[0]); /* the host has its end now */
	s->next = d_sessions;
	d_sessions = s;
	in->nsessions++;
	/* The TEE made the session (the client ignores a success's origin). */
	d_reply_open(cl, tag, TEEC_SUCCESS, TEEC_ORIGIN_TEE, s->id, sp[1]);
	close(sp[1]);
}

static struct d_instance *spawn(const struct sim_uuid *uuid, const char *ta_file)
{
	char uuid_str[SIM_UUID_STR_LEN];
	char *argv[5];
	struct d_instance *in;
	int sp[2];
	pid_t pid;

	if (count_instances() >= D_MAX_INSTANCES)
		return NULL;
	in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0) {
		free(in);
		return NULL;
	}
	sim_uuid_to_str(uuid, uuid_str);
	argv[0] = d_cfg.tahost;
	argv[1] = "3";
	argv[2] = (char *)ta_file;
	argv[3] = uuid_str;
	argv[4] = NULL;
	pid = fork();
	if (pid == 0) {
		sigset_t none;

		/* Child: the control socket becomes fd 3, everything else of ours is
		 * close-on-exec. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (sp[1] == 3) {
			if (fcntl(3, F_SETFD, 0) != 0)
				_exit(127);
		} else if (dup2(sp[1], 3) != 3) {
			_exit(127);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	close(sp[1]);
	if (pid < 0) {
		sim_log(SIM_LOG_ERROR, "fork: %s", strerror(errno));
		close(sp[0]);
		free(in);
		return NULL;
	}
	in->uuid = *uuid;
	in->pid = pid;
	in->ctl = sp[0];
	in->state = SIM_INST_STARTING;
	in->unneeded_state = D_NEEDED;
	in->next = d_instances;
	d_instances = in;
	sim_log(SIM_LOG_INFO, "TA %s: host pid %d started", uuid_str, (int)pid);
	return in;
}

static void enqueue(struct d_instance *in, struct d_pending_open *p)
{
	struct d_pending_open **q = &in->queue;

	while (*q)
		q = &(*q)->next;
	p->next = NULL;
	*q = p;
}

void d_open_dispatch(struct d_pending_open *p)
{
	char path[4200];
	uint32_t flags;
	bool known = cached_flags(&p->uuid, &flags);
	struct d_instance *in;

	if (!known || (flags & SIM_TA_FLAG_SINGLE_INSTANCE)) {
		for (in = d_instances; in; in = in->next) {
			if (!uuid_eq(&in->uuid, &p->uuid))
				continue;
			/* Not loaded yet: its flags are unknown, wait and see (on_loaded). */
			if (in->state == SIM_INST_STARTING && (!in->loaded || is_single(in))) {
				enqueue(in, p);
				return;
			}
			if (in->state == SIM_INST_READY && is_single(in)) {
				attach(in, p);
				return;
			}
		}
	}
	if (!d_find_ta(&p->uuid, path, sizeof(path))) {
		refuse(p, TEEC_ERROR_ITEM_NOT_FOUND, TEEC_ORIGIN_TEE);
		return;
	}
	in = spawn(&p->uuid, path);
	if (!in) {
		refuse(p, TEEC_ERROR_OUT_OF_MEMORY, TEEC_ORIGIN_TEE);
		return;
	}
	enqueue(in, p);
}

/* Takes the client's open `tag` out of the queue it waits in; NULL if none
 * waits (answered already, or never sent). */
static struct d_pending_open *unqueue(struct d_client *cl, uint64_t tag)
{
	for (struct d_instance *in = d_instances; in; in = in->next) {
		for (struct d_pending_open **q = &in->queue; *q; q = &(*q)->next) {
			struct d_pending_open *p = *q;

			if (p->cl == cl && p->tag == tag) {
				*q = p->next;
				return p;
			}
		}
	}
	return NULL;
}

void d_instances_drop_client(struct d_client *cl)
{
	for (struct d_instance *in = d_instances; in; in = in->next) {
		struct d_pending_open **q = &in->queue;

		if (in->end_waiter == cl)
			in->end_waiter = NULL;
		while (*q) {
			struct d_pending_open *p = *q;

			if (p->cl == cl) {
				*q = p->next;
				free(p);
			} else {
				q = &p->next;
			}
		}
	}
}

/* OPEN_CANCEL: an open still waiting for a create never reaches the TA and
 * returns CANCEL, origin TEE. One answered already is the client's to undo:
 * the session exists, and its TA_OPEN carries the cancelled operation. */
void d_open_cancel(struct d_client *cl, uint64_t tag)
{
	struct d_pending_open *p = unqueue(cl, tag);

	if (!p)
		return;
	sim_log(SIM_LOG_DEBUG, "client pid %d: open cancelled while it waited", (int)cl->pid);
	refuse(p, TEEC_ERROR_CANCEL, TEEC_ORIGIN_TEE);
}

/* The host loaded the TA and runs its create now: its flags are known. */
static void on_loaded(struct d_instance *in, const struct sim_ctl_loaded *m)
{
	struct d_pending_open *rest;

	if (in->state != SIM_INST_STARTING || in->loaded) {
		/* A no-op on a host killed already (it sent this just before the
		 * kill landed): the reaper forgets it. */
		d_kill_instance(in, SIM_LOG_ERROR, "sent LOADED out of turn");
		return;
	}
	in->loaded = true;
	in->flags = m->flags;
	cache_flags(&in->uuid, m->flags);
	if (is_single(in) || !in->queue)
		return;
	/* Multi-instance: the first opener keeps this instance; those queued
	 * before the flags were known get instances (and creates) of their own. */
	rest = in->queue->next;
	in->queue->next = NULL;
	while (rest) {
		struct d_pending_open *next = rest->next;

		d_open_dispatch(rest);
		rest = next;
	}
}

static void on_ready(struct d_instance *in, const struct sim_ctl_ready *m)
{
	struct d_pending_open *q = in->queue;

	if (in->state != SIM_INST_STARTING) {
		/* A no-op on a host killed already (it sent this just before the
		 * kill landed): the reaper forgets it. */
		d_kill_instance(in, SIM_LOG_ERROR, "sent READY twice");
		return;
	}
	if (m->result == 0 && !in->loaded) {
		d_kill_instance(in, SIM_LOG_ERROR, "sent READY before LOADED");
		return;
	}
	in->queue = NULL;
	if (m->result != 0) {
		uint32_t origin = m->origin == TEEC_ORIGIN_TRUSTED_APP ? TEEC_ORIGIN_TRUSTED_APP
								       : TEEC_ORIGIN_TEE;

		/* Load or TA_CreateEntryPoint failed: the host exits by itself. */
		in->state = SIM_INST_DYING;
		refuse_all(q, m->result, origin);
		return;
	}
	in->state = SIM_INST_READY;
	/* Only a single-instance host has more than one open queued: a
	 * multi-instance one keeps its first opener (on_loaded), and no open
	 * queues on it after LOADED (d_open_dispatch). Retired, if nobody got a
	 * session, only once every open was tried: one that failed for want of
	 * memory or descriptors must not end the host under those after it. */
	while (q) {
		struct d_pending_open *next = q->next;

		/* Killed by a control send that failed: the rest die with it. */
		if (in->state == SIM_INST_READY)
			attach(in, q);
		else
			refuse(q, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
		q = next;
	}
	maybe_retire(in);
}

static void remove_session(struct d_session *s)
{
	struct d_session **pp = &d_sessions;

	/* s is listed: every caller found it in d_sessions. */
	while (*pp != s)
		pp = &(*pp)->next;
	*pp = s->next;
	s->inst->nsessions--;
	free(s);
}

/* Answers a close (closing always succeeds); nobody waits if w is NULL. */
static void send_close_rep(struct d_client *w, uint64_t tag)
{
	struct sim_close_rep rep;

	if (!w)
		return;
	memset(&rep, 0, sizeof(rep));
	sim_hdr_init(&rep.hdr, SIM_MSG_CLOSE_REP, 0);
	d_reply(w, tag, &rep.hdr, NULL);
}

static void reply_closed(struct d_session *s)
{
	struct d_client *w = s->close_waiter;

	s->close_waiter = NULL;
	send_close_rep(w, s->close_tag);
}

static struct d_session *find_session(const struct d_instance *in, uint32_t id)
{
	for (struct d_session *s = d_sessions; s; s = s->next)
		if (s->id == id && s->inst == in)
			return s;
	return NULL;
}

/*
 * The host closed session id. OP-TEE runs TA_DestroyEntryPoint inside the
 * close of an instance's last session, so the close that ends an instance is
 * answered only once its host has ended (d_instance_dead): when
 * TEEC_CloseSession returns, the destroy has run and no host of the instance
 * is left. A destroy that hangs holds it for the watchdog's grace, then the
 * host is killed and the close answered.
 */
static void on_closed(struct d_instance *in, uint32_t id)
{
	struct d_session *s = find_session(in, id);
	struct d_client *w;
	uint64_t tag;

	/* Gone already: a host confirms twice a session it refused while its
	 * client closed it. The first CTL_CLOSED did all there was to do (the
	 * retirement too: a READY instance is never left without sessions). */
	if (!s)
		return;
	w = s->close_waiter;
	tag = s->close_tag;
	remove_session(s);
	maybe_retire(in);
	/* Once per instance: a DYING one never gets a session again. */
	if (in->state == SIM_INST_DYING && in->nsessions == 0) {
		in->end_waiter = w;
		in->end_tag = tag;
		return;
	}
	send_close_rep(w, tag);
}

void d_session_close(struct d_session *s, struct d_client *waiter, uint64_t tag)
{
	struct sim_ctl_session m;
	struct d_instance *in = s->inst;

	s->closing = true;
	s->close_waiter = waiter;
	s->close_tag = tag;
	memset(&m, 0, sizeof(m));
	sim_hdr_init(&m.hdr, SIM_MSG_CTL_CLOSE_SESSION, 0);
	m.session_id = s->id;
	if (!ctl_send(in, &m.hdr, NULL)) {
		/* Host unreachable: the session is gone with it. */
		reply_closed(s);
		remove_session(s);
	}
}

/* The host ended: every session on it is dead; waiting clients get answers. */
void d_instance_dead(struct d_instance *in)
{
	struct d_instance **pp = &d_instances;
	struct d_pending_open *q = in->queue;

	in->queue = NULL;
	refuse_all(q, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
	send_close_rep(in->end_waiter, in->end_tag);
	for (struct d_session *s = d_sessions, *next; s; s = next) {
		next = s->next;
		if (s->inst == in) {
			reply_closed(s);
			remove_session(s);
		}
	}
	close(in->ctl);
	/* in is listed: every caller found it in d_instances. */
	while (*pp != in)
		pp = &(*pp)->next;
	*pp = in->next;
	free(in);
}

void d_instance_readable(struct d_instance *in)
{
	struct sim_rx *rx = malloc(sizeof(*rx));
	int rv;

	if (!rx) {
		d_kill_instance(in, SIM_LOG_ERROR, "cannot be read (out of memory)");
		return;
	}
	rv = sim_recv(in->ctl, rx);
	if (rv <= 0 || rx->nfds != 0) {
		if (rv < 0)
			sim_log(SIM_LOG_ERROR, "TA host %d: bad control message (%d)", (int)in->pid, rv);
		sim_rx_close_fds(rx);
		free(rx);
		/* EOF: the host is exiting; make sure, then forget it. */
		kill(in->pid, SIGKILL);
		d_instance_dead(in);
		return;
	}
	switch (rx->u.hdr.type) {
	case SIM_MSG_CTL_LOADED:
		on_loaded(in, (const void *)rx->u.bytes);
		break;
	case SIM_MSG_CTL_READY:
		on_ready(in, (const void *)rx->u.bytes);
		break;
	case SIM_MSG_CTL_CLOSED:
		on_closed(in, ((const struct sim_ctl_session *)(const void *)rx->u.bytes)->session_id);
		break;
	default:
		sim_log(SIM_LOG_ERROR, "TA host %d: unexpected message %u", (int)in->pid,
			rx->u.hdr.type);
		break;
	}
	free(rx);
}

void d_reap_children(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == SIM_TAHOST_PANIC_EXIT)
			sim_log(SIM_LOG_INFO, "TA host %d: TA panicked", (int)pid);
		else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
			sim_log(SIM_LOG_INFO, "TA host %d: crashed (signal %d)", (int)pid,
				WTERMSIG(status));
		else
			sim_log(SIM_LOG_DEBUG, "TA host %d: ended", (int)pid);
		for (struct d_instance *in = d_instances; in; in = in->next) {
			if (in->pid == pid) {
				d_instance_dead(in);
				break;
			}
		}
	}
}

void d_kill_all_instances(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (struct d_instance *in = d_instances; in; in = in->next)
		kill(in->pid, SIGKILL);
	while (d_instances) {
		d_reap_children();
		if (d_instances)
			nanosleep(&ts, NULL);
	}
}
