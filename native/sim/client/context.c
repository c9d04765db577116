/* TEEC_InitializeContext / TEEC_FinalizeContext and daemon requests. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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
	pthread_mutex_destroy(&c->lock);
	free(c);
}

TEEC_Result cl_ctx_request(struct cl_ctx *c, struct sim_hdr *req, uint16_t rep_type,
			   struct sim_rx *rx)
{
	int rv;

	pthread_mutex_lock(&c->lock);
	rv = sim_send(c->fd, req, NULL, false);
	if (rv == 0)
		rv = sim_recv(c->fd, rx);
	pthread_mutex_unlock(&c->lock);
	if (rv <= 0)
		return TEEC_ERROR_COMMUNICATION;
	if (rx->u.hdr.type != rep_type) {
		sim_rx_close_fds(rx);
		return TEEC_ERROR_COMMUNICATION;
	}
	return TEEC_SUCCESS;
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
	context->imp.fd = -1;
	cl_ctx_put(c);
}
