/*
 * TEEC_RequestCancellation, per operation (GP semantics).
 *
 * An operation is registered from entry to return of OpenSession/Invoke.
 * An open's request to the daemon, cancelled before it was sent (waiting for
 * a request slot): CANCEL, origin API. Cancelled while the daemon holds it
 * (waiting for a TA_CreateEntryPoint): the daemon is told (OPEN_CANCEL) and
 * answers CANCEL, origin TEE; answered already, the open returns CANCEL,
 * origin TEE, before its TA_OPEN is sent, and closes the session the daemon
 * made for it.
 * A call cancelled before it was sent (waiting for a pipeline slot or the
 * session's send lock): CANCEL (origin API) without reaching the TEE; one
 * waiting for a slot is woken for it. Cancelled once sent: its id
 * goes to the session's cancel page and the TA host is futex-woken. Still
 * waiting in the TEE behind an earlier call, it returns TEEC_ERROR_CANCEL
 * (origin TEE) without entering the TA; running, the TA sees it only once it
 * unmasked cancellation.
 * Unknown operations (not started, or finished) are ignored: it is a hint.
 */
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "teec_internal.h"

struct cl_op *cl_ops;

struct cl_op *cl_op_begin(TEEC_Operation *op, struct cl_sess *s)
{
	struct cl_op *o;

	if (!op)
		return NULL;
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL; /* the call still runs, it just cannot be cancelled */
	o->pub = op;
	o->sess = s;
	pthread_mutex_lock(&cl_lock);
	/* Atomic: a caller may poll it to know when to cancel (the addon does). */
	__atomic_store_n(&op->started, 1, __ATOMIC_RELEASE);
	o->next = cl_ops;
	cl_ops = o;
	pthread_mutex_unlock(&cl_lock);
	return o;
}

bool cl_op_to_daemon(struct cl_op *o, struct cl_ctx *c, uint64_t tag)
{
	bool cancelled;

	pthread_mutex_lock(&cl_lock);
	o->ctx = c;
	o->tag = tag;
	cancelled = o->cancelled;
	pthread_mutex_unlock(&cl_lock);
	return cancelled;
}

void cl_op_from_daemon(struct cl_op *o)
{
	pthread_mutex_lock(&cl_lock);
	o->ctx = NULL;
	pthread_mutex_unlock(&cl_lock);
}

/* Called with the session's send lock held, just before sending. */
bool cl_op_start(struct cl_op *o)
{
	bool go;

	pthread_mutex_lock(&cl_lock);
	if (++o->sess->next_op == 0)
		o->sess->next_op = 1;
	o->op_id = o->sess->next_op;
	go = !o->cancelled;
	pthread_mutex_unlock(&cl_lock);
	return go;
}

void cl_op_end(struct cl_op *o)
{
	struct cl_op **pp = &cl_ops;

	if (!o)
		return;
	pthread_mutex_lock(&cl_lock);
	while (*pp && *pp != o)
		pp = &(*pp)->next;
	if (*pp)
		*pp = o->next;
	pthread_mutex_unlock(&cl_lock);
	free(o);
}

/* Posts a sent operation's id on its session's cancel page (cl_lock held).
 * Every session has its page from sess_new on. */
static void post_locked(struct cl_op *o)
{
	struct sim_cancel_page *pg = o->sess->cancel;
	uint32_t slot;

	if (o->op_id == 0)
		return;
	/* Slots are written under cl_lock: one writer at a time. */
	slot = pg->next_slot++ % SIM_CANCEL_SLOTS;
	__atomic_store_n(&pg->cancelled[slot], o->op_id, __ATOMIC_RELEASE);
	__atomic_add_fetch(&pg->seq, 1, __ATOMIC_RELEASE);
	/* Shared futex: the waiter is the TA host process. */
	syscall(SYS_futex, &pg->seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

API void TEEC_RequestCancellation(TEEC_Operation *operation)
{
	struct cl_ctx *c = NULL;
	struct cl_sess *s = NULL;
	uint64_t tag = 0;

	if (!operation)
		return;
	pthread_mutex_lock(&cl_lock);
	for (struct cl_op *o = cl_ops; o; o = o->next) {
		/* Cancelled already: posted then if it was sent, and if it was
		 * not, cl_op_start keeps it from ever being sent. */
		if (o->pub != operation || o->cancelled)
			continue;
		/* Atomic: a call waiting for a pipeline slot reads it without cl_lock. */
		__atomic_store_n(&o->cancelled, true, __ATOMIC_RELAXED);
		post_locked(o);
		if (o->op_id == 0 && !s) {
			/* Not sent: it may wait for a pipeline slot. Woken below,
			 * without cl_lock (lock order); the reference keeps the
			 * session meanwhile. */
			s = o->sess;
			s->refs++;
		}
		if (o->ctx && !c) {
			/* An open waiting for the daemon: told below, without cl_lock
			 * (lock order); the reference keeps the context meanwhile. */
			c = o->ctx;
			c->refs++;
			tag = o->tag;
		}
	}
	pthread_mutex_unlock(&cl_lock);
	if (c) {
		cl_ctx_cancel(c, tag);
		cl_ctx_put(c);
	}
	if (s) {
		cl_sess_wake_slot_waiters(s);
		cl_sess_put(s);
	}
}
