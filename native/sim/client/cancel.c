/*
 * TEEC_RequestCancellation, per operation (GP semantics).
 *
 * An operation is registered from entry to return of OpenSession/Invoke.
 * Cancelled before it was sent (waiting for the session's send lock): it
 * returns TEEC_ERROR_CANCEL (origin API) without reaching the TEE.
 * Cancelled once sent: its id goes to the session's cancel page and the TA
 * host is futex-woken. Still waiting in the TEE behind an earlier call, it
 * returns TEEC_ERROR_CANCEL (origin TEE) without entering the TA; running,
 * the TA sees it only once it unmasked cancellation.
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
	op->started = 1;
	o->next = cl_ops;
	cl_ops = o;
	pthread_mutex_unlock(&cl_lock);
	return o;
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

API void TEEC_RequestCancellation(TEEC_Operation *operation)
{
	if (!operation)
		return;
	pthread_mutex_lock(&cl_lock);
	for (struct cl_op *o = cl_ops; o; o = o->next) {
		struct sim_cancel_page *pg = o->sess->cancel;

		if (o->pub != operation)
			continue;
		o->cancelled = true;
		if (o->op_id != 0 && pg && !o->posted) {
			/* Slots are written under cl_lock: one writer at a time. */
			uint32_t slot = pg->next_slot++ % SIM_CANCEL_SLOTS;

			__atomic_store_n(&pg->cancelled[slot], o->op_id, __ATOMIC_RELEASE);
			o->posted = true;
			__atomic_add_fetch(&pg->seq, 1, __ATOMIC_RELEASE);
			/* Shared futex: the waiter is the TA host process. */
			syscall(SYS_futex, &pg->seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
		}
	}
	pthread_mutex_unlock(&cl_lock);
}
