/*
 * TEEC_InitializeContext / TEEC_FinalizeContext and daemon requests.
 *
 * GP lets several threads use one context at once, and an open may wait in
 * the daemon for as long as a TA_CreateEntryPoint runs (for ever, if it
 * hangs). So requests on the context's connection are not serialized: each
 * goes out with a tag of its own, the daemon answers them in any order, and
 * the first waiter that finds nobody reading the connection reads it for
 * everyone, handing each reply to the request with its tag, until its own
 * has come. The others sleep meanwhile.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "teec_internal.h"

pthread_mutex_t cl_lock = PTHREAD_MUTEX_INITIALIZER;
struct cl_ctx *cl_ctxs;

struct cl_ctx *cl_ctx_get(TEEC_Context *pub)
{
	struct cl_ctx *c;

	if (!pub)
		return NULL;
	pthread_mutex_lock(&cl_lock);
	for (c = cl_ctxs; c; c = c->next) {
		if (c->pub == pub && c->fd == pub->imp.fd) {
			c->refs++;
			break;
		}
	}
	pthread_mutex_unlock(&cl_lock);
	return c;
}

void cl_ctx_put(struct cl_ctx *c)
{
	bool last;

	pthread_mutex_lock(&cl_lock);
	last = --c->refs == 0;
	pthread_mutex_unlock(&cl_lock);
	if (!last)
		return;
	close(c->fd);
	pthread_cond_destroy(&c->changed);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static void unlink_req_locked(struct cl_ctx *c, struct cl_req *r)
{
	struct cl_req **pp = &c->reqs;

	while (*pp && *pp != r)
		pp = &(*pp)->next;
	if (*pp)
		*pp = r->next;
}

/* Hands a received reply (in rx) to the request with its tag; false if
 * there is none (the daemon broke the protocol). */
static bool deliver_locked(struct cl_ctx *c, struct sim_rx *rx)
{
	struct cl_req *r;

	for (r = c->reqs; r; r = r->next)
		if (r->sent && !r->answered && r->tag == rx->u.hdr.tag)
			break;
	if (!r)
		return false;
	if (r->rx != rx) {
		/* The descriptors move with the record. */
		memcpy(r->rx->u.bytes, rx->u.bytes, rx->len);
		r->rx->len = rx->len;
		memcpy(r->rx->fds, rx->fds, sizeof(rx->fds));
		r->rx->nfds = rx->nfds;
		rx->nfds = 0;
	}
	r->answered = true;
	c->nsent--;
	return true;
}

/* Waits (c->lock held) until r is answered or the connection failed. */
static void await_reply_locked(struct cl_ctx *c, struct cl_req *r)
{
	while (!r->answered && !c->broken) {
		int rv;

		if (c->reading) {
			pthread_cond_wait(&c->changed, &c->lock);
			continue;
		}
		/* Nobody reads: this thread does, into its own buffer. */
		c->reading = true;
		pthread_mutex_unlock(&c->lock);
		rv = sim_recv(c->fd, r->rx);
		pthread_mutex_lock(&c->lock);
		c->reading = false;
		if (rv <= 0 || !deliver_locked(c, r->rx)) {
			if (rv > 0)
				sim_rx_close_fds(r->rx);
			c->broken = true;
		}
		pthread_cond_broadcast(&c->changed);
	}
}

/* Sends r's request once a request slot is free (c->lock held); TEEC code. */
static TEEC_Result send_locked(struct cl_ctx *c, struct cl_req *r, struct sim_hdr *req)
{
	/* The daemon takes SIM_MAX_REQUESTS per client: more wait here. */
	while (!r->cancelled && !c->broken && c->nsent >= SIM_MAX_REQUESTS)
		pthread_cond_wait(&c->changed, &c->lock);
	if (r->cancelled)
		return TEEC_ERROR_CANCEL;
	if (c->broken)
		return TEEC_ERROR_COMMUNICATION;
	req->tag = r->tag;
	if (sim_send(c->fd, req, NULL, false) != 0) {
		c->broken = true;
		pthread_cond_broadcast(&c->changed);
		return TEEC_ERROR_COMMUNICATION;
	}
	r->sent = true;
	c->nsent++;
	return TEEC_SUCCESS;
}

TEEC_Result cl_ctx_request(struct cl_ctx *c, struct sim_hdr *req, uint16_t rep_type,
			   struct sim_rx *rx, struct cl_op *o)
{
	struct cl_req r;
	TEEC_Result res;

	memset(&r, 0, sizeof(r));
	r.rx = rx;
	rx->nfds = 0;
	pthread_mutex_lock(&c->lock);
	r.tag = ++c->last_tag;
	r.next = c->reqs;
	c->reqs = &r;
	/* Listed first, so that a cancellation from now on finds it. */
	if (o && cl_op_to_daemon(o, c, r.tag))
		r.cancelled = true;
	res = send_locked(c, &r, req);
	if (res == TEEC_SUCCESS) {
		await_reply_locked(c, &r);
		if (!r.answered)
			res = TEEC_ERROR_COMMUNICATION;
	}
	unlink_req_locked(c, &r);
	/* A slot may have come free, or a reader may be needed. */
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->lock);
	if (o)
		cl_op_from_daemon(o);
	if (res == TEEC_SUCCESS && rx->u.hdr.type != rep_type) {
		sim_rx_close_fds(rx);
		res = TEEC_ERROR_COMMUNICATION;
	}
	return res;
}

void cl_ctx_cancel(struct cl_ctx *c, uint64_t tag)
{
	struct sim_empty m;
	struct cl_req *r;

	pthread_mutex_lock(&c->lock);
	for (r = c->reqs; r && r->tag != tag; r = r->next)
		;
	/* Gone: answered, and the open's next step sees the cancellation. */
	if (r && !r->cancelled) {
		r->cancelled = true;
		if (r->sent && !r->answered && !c->broken) {
			/* Sent after the open on this connection: the daemon sees
			 * them in that order. */
			memset(&m, 0, sizeof(m));
			sim_hdr_init(&m.hdr, SIM_MSG_OPEN_CANCEL, 0);
			m.hdr.tag = tag;
			if (sim_send(c->fd, &m.hdr, NULL, false) != 0)
				c->broken = true;
		}
		/* Wakes it if it waits for a request slot. */
		pthread_cond_broadcast(&c->changed);
	}
	pthread_mutex_unlock(&c->lock);
}

API TEEC_Result TEEC_InitializeContext(const char *name, TEEC_Context *context)
{
	struct cl_ctx *c;
	int fd;

	if (!context)
		return TEEC_ERROR_BAD_PARAMETERS;
	if (name && strcmp(name, CL_TEE_NAME) != 0)
		return TEEC_ERROR_ITEM_NOT_FOUND;
	c = calloc(1, sizeof(*c));
	if (!c)
		return TEEC_ERROR_OUT_OF_MEMORY;
	fd = cl_connect();
	if (fd < 0) {
		free(c);
		return fd == -ENOMEM ? TEEC_ERROR_OUT_OF_MEMORY : TEEC_ERROR_COMMUNICATION;
	}
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		close(fd);
		free(c);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	if (pthread_cond_init(&c->changed, NULL) != 0) {
		pthread_mutex_destroy(&c->lock);
		close(fd);
		free(c);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	c->pub = context;
	c->fd = fd;
	c->refs = 1;
	memset(context, 0, sizeof(*context));
	context->imp.fd = fd;
	context->imp.reg_mem = true;
	context->imp.memref_null = true;
	pthread_mutex_lock(&cl_lock);
	c->next = cl_ctxs;
	cl_ctxs = c;
	pthread_mutex_unlock(&cl_lock);
	return TEEC_SUCCESS;
}

API void TEEC_FinalizeContext(TEEC_Context *context)
{
	struct cl_ctx *c = NULL, **pp;

	if (!context)
		return;
	pthread_mutex_lock(&cl_lock);
	for (pp = &cl_ctxs; *pp; pp = &(*pp)->next) {
		if ((*pp)->pub == context && (*pp)->fd == context->imp.fd) {
			c = *pp;
			*pp = c->next;
			break;
		}
	}
	pthread_mutex_unlock(&cl_lock);
	if (!c)
		return; /* never initialised, or finalised already */
	/* Sessions left open die with the context (the daemon closes them
	 * when our connection goes). */
	cl_sess_kill_for_ctx(c);
	/* Threads still waiting on the context's requests (an open waiting for
	 * a create that hangs) would wait for ever: GP leaves finalizing under
	 * them undefined, and they return COMMUNICATION. The daemon drops what
	 * they asked for as the connection goes; the fd itself is closed with
	 * the last reference, never under their feet. */
	shutdown(c->fd, SHUT_RDWR);
	context->imp.fd = -1;
	cl_ctx_put(c);
}
