/* TEEC_OpenSession / TEEC_CloseSession and the session table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim_util.h"
#include "teec_internal.h"

struct cl_sess *cl_sessions;

struct cl_sess *cl_sess_get(TEEC_Session *pub)
{
	struct cl_sess *s;

	if (!pub)
		return NULL;
	pthread_mutex_lock(&cl_lock);
	for (s = cl_sessions; s; s = s->next) {
		if (s->pub == pub && s->sid == pub->imp.session_id) {
			s->refs++;
			break;
		}
	}
	pthread_mutex_unlock(&cl_lock);
	return s;
}

/* Initializes every turn condition; on failure none is left initialized. */
static bool init_turns(struct cl_sess *s)
{
	unsigned n;

	for (n = 0; n < CL_PIPELINE_DEPTH; n++) {
		if (pthread_cond_init(&s->turn[n], NULL) != 0)
			break;
	}
	if (n == CL_PIPELINE_DEPTH)
		return true;
	while (n-- > 0)
		pthread_cond_destroy(&s->turn[n]);
	return false;
}

static void destroy_turns(struct cl_sess *s)
{
	for (unsigned i = 0; i < CL_PIPELINE_DEPTH; i++)
		pthread_cond_destroy(&s->turn[i]);
}

static void sess_free(struct cl_sess *s)
{
	if (s->chan >= 0)
		close(s->chan);
	if (s->cancel)
		munmap(s->cancel, SIM_CANCEL_PAGE_SIZE);
	if (s->cancel_fd >= 0)
		close(s->cancel_fd);
	if (s->arena)
		munmap(s->arena, s->arena_len);
	if (s->arena_fd >= 0)
		close(s->arena_fd);
	free(s->known);
	pthread_mutex_destroy(&s->known_lock);
	pthread_mutex_destroy(&s->pipe_lock);
	destroy_turns(s);
	pthread_cond_destroy(&s->slot_free);
	pthread_cond_destroy(&s->arena_free);
	pthread_cond_destroy(&s->idle);
	if (s->ctx)
		cl_ctx_put(s->ctx);
	free(s);
}

void cl_sess_put(struct cl_sess *s)
{
	bool last;

	pthread_mutex_lock(&cl_lock);
	last = --s->refs == 0;
	pthread_mutex_unlock(&cl_lock);
	if (last)
		sess_free(s);
}

/* Takes s out of the table (caller holds cl_lock); the table's ref is
 * returned to the caller. */
static void unlist_locked(struct cl_sess *s)
{
	struct cl_sess **pp = &cl_sessions;

	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (*pp)
		*pp = s->next;
	s->listed = false;
}

void cl_sess_kill_for_ctx(struct cl_ctx *c)
{
	for (;;) {
		struct cl_sess *s;

		pthread_mutex_lock(&cl_lock);
		for (s = cl_sessions; s && s->ctx != c; s = s->next)
			;
		if (s)
			unlist_locked(s);
		pthread_mutex_unlock(&cl_lock);
		if (!s)
			return;
		/* Wakes a thread blocked on the channel; the fd is closed on the
		 * last reference, never under another thread's feet. */
		shutdown(s->chan, SHUT_RDWR);
		cl_sess_put(s);
	}
}

bool cl_sess_knows(struct cl_sess *s, uint32_t id)
{
	for (size_t i = 0; i < s->nknown; i++)
		if (s->known[i] == id)
			return true;
	return false;
}

bool cl_sess_learn(struct cl_sess *s, uint32_t id)
{
	if (cl_sess_knows(s, id))
		return true;
	if (s->nknown == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		uint32_t *k = realloc(s->known, cap * sizeof(*k));

		if (!k)
			return false;
		s->known = k;
		s->cap = cap;
	}
	s->known[s->nknown++] = id;
	return true;
}

void cl_sess_forget(struct cl_sess *s, uint32_t id)
{
	struct sim_ta_forget m;

	pthread_mutex_lock(&s->known_lock);
	for (size_t i = 0; i < s->nknown; i++) {
		if (s->known[i] != id)
			continue;
		s->known[i] = s->known[--s->nknown];
		if (cl_sess_is_dead(s))
			break;
		memset(&m, 0, sizeof(m));
		sim_hdr_init(&m.hdr, SIM_MSG_TA_FORGET, 0);
		m.shm_id = id;
		if (sim_send(s->chan, &m.hdr, NULL, false) != 0)
			cl_sess_mark_dead(s);
		break;
	}
	pthread_mutex_unlock(&s->known_lock);
}

/*
 * A release takes its block out of the table, then sends FORGET to the
 * sessions listed then, both under cl_lock; the open lists s, then asks here,
 * also under cl_lock. So a release whose pass missed s has unlisted its block
 * by now, and one that did not miss it makes this a no-op (forgetting twice
 * sends once).
 */
void cl_sess_forget_released(struct cl_sess *s)
{
	uint32_t *ids = NULL;
	size_t n;

	pthread_mutex_lock(&s->known_lock);
	n = s->nknown;
	if (n)
		ids = malloc(n * sizeof(*ids));
	if (ids)
		memcpy(ids, s->known, n * sizeof(*ids));
	pthread_mutex_unlock(&s->known_lock);
	/* Without memory for the copy, the host keeps those mappings until the
	 * session closes: harmless, just not returned early. */
	if (!ids)
		return;
	for (size_t i = 0; i < n; i++)
		if (ids[i] != s->arena_id && !cl_shm_listed(ids[i]))
			cl_sess_forget(s, ids[i]);
	free(ids);
}

void cl_sess_mark_dead(struct cl_sess *s)
{
	pthread_mutex_lock(&s->pipe_lock);
	__atomic_store_n(&s->dead, true, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < CL_PIPELINE_DEPTH; i++)
		pthread_cond_broadcast(&s->turn[i]);
	pthread_cond_broadcast(&s->slot_free);
	pthread_cond_broadcast(&s->arena_free);
	pthread_mutex_unlock(&s->pipe_lock);
}

static bool init_locks(struct cl_sess *s)
{
	if (pthread_mutex_init(&s->known_lock, NULL) != 0)
		return false;
	if (pthread_mutex_init(&s->pipe_lock, NULL) != 0)
		goto no_pipe;
	if (!init_turns(s))
		goto no_turns;
	if (pthread_cond_init(&s->slot_free, NULL) != 0)
		goto no_slot;
	if (pthread_cond_init(&s->arena_free, NULL) != 0)
		goto no_arena;
	if (pthread_cond_init(&s->idle, NULL) != 0)
		goto no_idle;
	return true;
no_idle:
	pthread_cond_destroy(&s->arena_free);
no_arena:
	pthread_cond_destroy(&s->slot_free);
no_slot:
	destroy_turns(s);
no_turns:
	pthread_mutex_destroy(&s->pipe_lock);
no_pipe:
	pthread_mutex_destroy(&s->known_lock);
	return false;
}

static struct cl_sess *sess_new(struct cl_ctx *c, TEEC_Session *pub)
{
	struct cl_sess *s = calloc(1, sizeof(*s));
	void *p;

	if (!s)
		return NULL;
	s->chan = -1;
	s->arena_fd = -1;
	s->cancel_fd = sim_memfd_create("rx-teec-cancel", SIM_CANCEL_PAGE_SIZE);
	if (s->cancel_fd < 0) {
		free(s);
		return NULL;
	}
	p = mmap(NULL, SIM_CANCEL_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, s->cancel_fd, 0);
	if (p == MAP_FAILED) {
		close(s->cancel_fd);
		free(s);
		return NULL;
	}
	s->cancel = p;
	if (!init_locks(s)) {
		munmap(p, SIM_CANCEL_PAGE_SIZE);
		close(s->cancel_fd);
		free(s);
		return NULL;
	}
	s->pub = pub;
	s->ctx = c; /* takes over the caller's context reference */
	s->refs = 1;
	return s;
}

/* Asks the daemon to close session sid (the daemon tells the TA host). */
static void daemon_close(struct cl_ctx *c, uint32_t sid)
{
	struct sim_close_req req;
	struct sim_rx *rx = malloc(sizeof(*rx));

	if (!rx)
		return; /* the daemon closes it when our connection ends */
	memset(&req, 0, sizeof(req));
	sim_hdr_init(&req.hdr, SIM_MSG_CLOSE_REQ, 0);
	req.session_id = sid;
	/* Nothing to undo if it fails: the daemon closes it when our connection ends. */
	cl_ctx_request(c, &req.hdr, SIM_MSG_CLOSE_REP, rx, NULL);
	free(rx);
}

static bool valid_login(uint32_t m)
{
	return m == TEEC_LOGIN_PUBLIC || m == TEEC_LOGIN_USER || m == TEEC_LOGIN_GROUP ||
	       m == TEEC_LOGIN_APPLICATION || m == TEEC_LOGIN_USER_APPLICATION ||
	       m == TEEC_LOGIN_GROUP_APPLICATION;
}

static void set_origin(uint32_t *origin, uint32_t v)
{
	if (origin)
		*origin = v;
}

API TEEC_Result TEEC_OpenSession(TEEC_Context *context, TEEC_Session *session,
				 const TEEC_UUID *destination, uint32_t connectionMethod,
				 const void *connectionData, TEEC_Operation *operation,
				 uint32_t *returnOrigin)
{
	struct sim_open_req req;
	struct sim_rx *rx;
	const struct sim_open_rep *rep;
	struct cl_ctx *c;
	struct cl_sess *s;
	struct cl_op *o;
	TEEC_Result res;
	uint32_t origin = TEEC_ORIGIN_API;

	set_origin(returnOrigin, TEEC_ORIGIN_API);
	if (!context || !session || !destination || !valid_login(connectionMethod))
		return TEEC_ERROR_BAD_PARAMETERS;
	if ((connectionMethod == TEEC_LOGIN_GROUP ||
	     connectionMethod == TEEC_LOGIN_GROUP_APPLICATION) && !connectionData)
		return TEEC_ERROR_BAD_PARAMETERS;
	res = cl_params_check(operation);
	if (res)
		return res;
	c = cl_ctx_get(context);
	if (!c)
		return TEEC_ERROR_BAD_PARAMETERS;
	s = sess_new(c, session);
	rx = malloc(sizeof(*rx));
	if (!s || !rx) {
		if (s)
			cl_sess_put(s); /* drops the context reference too */
		else
			cl_ctx_put(c);
		free(rx);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}

	memset(&req, 0, sizeof(req));
	sim_hdr_init(&req.hdr, SIM_MSG_OPEN_REQ, 0);
	_Static_assert(sizeof(req.uuid) == sizeof(*destination), "UUID layouts differ");
	memcpy(&req.uuid, destination, sizeof(req.uuid));
	req.login = connectionMethod;
	if (connectionData && (connectionMethod == TEEC_LOGIN_GROUP ||
			       connectionMethod == TEEC_LOGIN_GROUP_APPLICATION))
		memcpy(&req.gid, connectionData, sizeof(req.gid));
	/* Cancellable from here: while the daemon holds the open (it may wait
	 * for a TA_CreateEntryPoint), and then as the TA_OPEN call. */
	o = cl_op_begin(operation, s);
	res = cl_ctx_request(c, &req.hdr, SIM_MSG_OPEN_REP, rx, o);
	if (res) {
		/* CANCEL here: cancelled before the request was sent. */
		set_origin(returnOrigin, res == TEEC_ERROR_CANCEL ? TEEC_ORIGIN_API
								  : TEEC_ORIGIN_COMMS);
		goto fail;
	}
	rep = (const void *)rx->u.bytes;
	if (rep->result != TEEC_SUCCESS || rx->nfds != 1) {
		res = rep->result ? rep->result : TEEC_ERROR_COMMUNICATION;
		set_origin(returnOrigin, rep->result ? rep->origin : TEEC_ORIGIN_COMMS);
		sim_rx_close_fds(rx);
		goto fail;
	}
	s->sid = rep->session_id;
	s->chan = sim_rx_take_fd(rx, 0);

	res = cl_call(s, true, 0, operation, o, &origin);
	set_origin(returnOrigin, origin);
	if (res != TEEC_SUCCESS) {
		/* Not opened in the TA (a cancelled open included): the daemon's
		 * session goes. */
		daemon_close(c, s->sid);
		goto fail;
	}
	/* The TA host holds the cancel page now; our fd is no longer needed. */
	close(s->cancel_fd);
	s->cancel_fd = -1;
	memset(session, 0, sizeof(*session));
	session->imp.ctx = context;
	session->imp.session_id = s->sid;
	pthread_mutex_lock(&cl_lock);
	s->listed = true;
	s->next = cl_sessions;
	cl_sessions = s;
	s->refs++; /* the table has the open's: a finalize may unlist s now */
	pthread_mutex_unlock(&cl_lock);
	cl_sess_forget_released(s);
	cl_sess_put(s);
	cl_op_end(o);
	free(rx);
	return TEEC_SUCCESS;
fail:
	cl_op_end(o);
	free(rx);
	cl_sess_put(s);
	return res;
}

API void TEEC_CloseSession(TEEC_Session *session)
{
	struct cl_sess *s;

	if (!session)
		return;
	pthread_mutex_lock(&cl_lock);
	for (s = cl_sessions; s; s = s->next)
		if (s->pub == session && s->sid == session->imp.session_id)
			break;
	if (s)
		unlist_locked(s);
	pthread_mutex_unlock(&cl_lock);
	if (!s)
		return; /* closed already, or never opened */
	/* Let the operations still running finish first (GP forbids closing
	 * under them; this keeps us safe if a client does). */
	cl_sess_wait_idle(s);
	daemon_close(s->ctx, s->sid);
	session->imp.ctx = NULL;
	session->imp.session_id = 0;
	cl_sess_put(s);
}
