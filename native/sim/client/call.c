/* One TA_OPEN / TA_INVOKE round trip on a session channel. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "teec_internal.h"

static TEEC_Result dead(struct cl_sess *s, uint32_t *origin)
{
	s->dead = true;
	*origin = TEEC_ORIGIN_TEE;
	return TEEC_ERROR_TARGET_DEAD;
}

/* Sends the call with the known-set lock held, so a concurrent shared
 * memory release cannot slip its FORGET in between. */
static int send_call(struct cl_sess *s, struct cl_marshal *m)
{
	int err;

	pthread_mutex_lock(&s->known_lock);
	err = sim_send(s->chan, &m->call.hdr, m->fds, false);
	if (err == 0) {
		for (size_t i = 0; i < m->nnew; i++)
			if (!cl_sess_learn(s, m->new_ids[i]))
				err = -1; /* cannot track it: treat the channel as broken */
	}
	pthread_mutex_unlock(&s->known_lock);
	return err;
}

TEEC_Result cl_call(struct cl_sess *s, bool is_open, uint32_t cmd, TEEC_Operation *op,
		    uint32_t *origin)
{
	struct cl_marshal *m = calloc(1, sizeof(*m));
	struct sim_rx *rx = malloc(sizeof(*rx));
	const struct sim_ta_reply *rep;
	struct cl_op *o;
	TEEC_Result res;
	int rv;

	*origin = TEEC_ORIGIN_API;
	if (!m || !rx) {
		free(m);
		free(rx);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	o = cl_op_begin(op, s);
	if (op)
		op->imp.session = s->pub;
	pthread_mutex_lock(&s->call_lock);
	if (o && !cl_op_start(o)) {
		res = TEEC_ERROR_CANCEL; /* cancelled while queued: TA not entered */
		goto out;
	}
	if (s->dead) {
		res = dead(s, origin);
		goto out;
	}
	res = cl_params_marshal(s, op, m);
	if (res) {
		*origin = res == TEEC_ERROR_BAD_PARAMETERS ? TEEC_ORIGIN_API : TEEC_ORIGIN_COMMS;
		goto out_release;
	}
	m->call.hdr.type = is_open ? SIM_MSG_TA_OPEN : SIM_MSG_TA_INVOKE;
	m->call.op_id = o ? o->op_id : 0;
	m->call.cmd = cmd;
	if (is_open) {
		m->call.cancel_fd_slot = (int32_t)m->nfds;
		m->fds[m->nfds++] = s->cancel_fd;
	} else {
		m->call.cancel_fd_slot = -1;
	}
	m->call.hdr.nfds = m->nfds;
	if (send_call(s, m) != 0) {
		res = dead(s, origin);
		goto out_release;
	}
	rv = sim_recv(s->chan, rx);
	if (rv <= 0) {
		res = dead(s, origin);
		goto out_release;
	}
	rep = (const void *)rx->u.bytes;
	if (rx->u.hdr.type != SIM_MSG_TA_REPLY || rx->nfds != 0 ||
	    rep->op_id != m->call.op_id) {
		sim_rx_close_fds(rx);
		res = dead(s, origin); /* the host broke the protocol */
		goto out_release;
	}
	res = rep->result;
	*origin = rep->origin == TEEC_ORIGIN_TEE ? TEEC_ORIGIN_TEE : TEEC_ORIGIN_TRUSTED_APP;
	cl_params_unmarshal(op, m, rep);
out_release:
	cl_params_release(m);
out:
	pthread_mutex_unlock(&s->call_lock);
	cl_op_end(o);
	free(m);
	free(rx);
	return res;
}
