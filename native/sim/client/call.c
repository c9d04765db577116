/*
 * One TA_OPEN / TA_INVOKE round trip on a session channel.
 *
 * Pipelined: GP lets several threads invoke on one session at once, and the
 * TEE queues them for the TA. Here a call is sent as soon as it is marshalled,
 * even while earlier calls of the session still await their replies, so the
 * TA host finds the next request waiting when it finishes one. The TA host
 * answers a channel's calls one by one in the order they arrived, so each sent
 * call takes a ticket and reads the reply whose turn matches it.
 *
 * At most CL_PIPELINE_DEPTH calls of a session are in the TEE at once. The TA
 * host never blocks on a client (a client that does not read its replies must
 * not stall a shared instance), so a reply that finds the channel full drops
 * the session: the replies it may have to queue must stay few.
 *
 * A reply wakes only the call whose turn is next. Every call holding a ticket
 * from replied to sent - 1 holds a pipeline slot, so those tickets are at most
 * CL_PIPELINE_DEPTH consecutive numbers: the call holding ticket t waits alone
 * on turn[t % CL_PIPELINE_DEPTH]. A dead channel wakes every condition.
 *
 * A call with temporary memrefs owns the session's bounce arena from before
 * marshalling to after its copy-back. It waits for the arena before it takes a
 * pipeline slot, and both waits are under pipe_lock, so such a call holds no
 * slot while it waits and TEEC_RequestCancellation wakes it in either wait.
 *
 * Locks, in the order they are taken: known_lock (attaching regions and
 * sending: the known-region set, the order of messages on the channel and so
 * the tickets; the bulk copies of marshalling run before it, so a large one
 * holds back neither other calls nor a release of shared memory), pipe_lock
 * (turns, slots, the arena's owner and the count of calls; not held while
 * reading the channel). A call takes pipe_lock four times: to enter and take a
 * slot (and the arena), to wait for its turn, to pass the turn on, and to give
 * them back and leave.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "teec_internal.h"

/* The channel is dead, and marked so already. */
static TEEC_Result target_dead(uint32_t *origin)
{
	*origin = TEEC_ORIGIN_TEE;
	return TEEC_ERROR_TARGET_DEAD;
}

/* The channel failed just now: marks it dead, which wakes every call waiting
 * on the session. */
static TEEC_Result dead(struct cl_sess *s, uint32_t *origin)
{
	cl_sess_mark_dead(s);
	return target_dead(origin);
}

/* Cancelled before it was sent: the TA is not entered. An open's session
 * exists in the TEE already (the daemon made it): that is where it stopped. */
static TEEC_Result cancelled(bool is_open, uint32_t *origin)
{
	*origin = is_open ? TEEC_ORIGIN_TEE : TEEC_ORIGIN_API;
	return TEEC_ERROR_CANCEL;
}

static uint32_t marshal_origin(TEEC_Result res)
{
	return res == TEEC_ERROR_BAD_PARAMETERS ? TEEC_ORIGIN_API : TEEC_ORIGIN_COMMS;
}

/* Attaches regions and sends the marshalled call with the send lock (known_lock)
 * held: the regions a call introduces are learnt in the order the TA host sees
 * them, and a concurrent shared memory release cannot slip its FORGET in
 * between. On success *ticket is the call's place in the reply order. */
static TEEC_Result send_call(struct cl_sess *s, struct cl_op *o, struct cl_marshal *m,
			     bool is_open, uint32_t cmd, uint64_t *ticket, uint32_t *origin)
{
	TEEC_Result res = TEEC_SUCCESS;

	pthread_mutex_lock(&s->known_lock);
	if (o && !cl_op_start(o)) {
		res = cancelled(is_open, origin);
		goto out;
	}
	if (cl_sess_is_dead(s)) {
		res = target_dead(origin);
		goto out;
	}
	res = cl_params_attach(s, m);
	if (res) {
		*origin = marshal_origin(res);
		goto out;
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
	if (sim_send(s->chan, &m->call.hdr, m->fds, false) != 0) {
		res = dead(s, origin);
		goto out;
	}
	/* Sent: even if the set cannot track a region now, the call takes its turn
	 * (and finds the channel dead). */
	for (size_t i = 0; i < m->nnew; i++)
		if (!cl_sess_learn(s, m->new_ids[i]))
			cl_sess_mark_dead(s); /* cannot track it: treat the channel as broken */
	/* Under known_lock: tickets are taken in the order calls are sent. */
	*ticket = s->sent++;
out:
	pthread_mutex_unlock(&s->known_lock);
	return res;
}

/* The condition the call holding ticket waits on for its turn. */
static pthread_cond_t *turn_of(struct cl_sess *s, uint64_t ticket)
{
	return &s->turn[ticket % CL_PIPELINE_DEPTH];
}

/* Waits for the call's turn, reads its reply and passes the turn on. false: the
 * channel is dead (now or before this call's turn came). */
static bool recv_reply(struct cl_sess *s, uint64_t ticket, uint32_t op_id, struct sim_rx *rx)
{
	bool ok = false;
	int rv;

	pthread_mutex_lock(&s->pipe_lock);
	while (s->replied != ticket && !cl_sess_is_dead(s))
		pthread_cond_wait(turn_of(s, ticket), &s->pipe_lock);
	pthread_mutex_unlock(&s->pipe_lock);
	if (!cl_sess_is_dead(s)) {
		/* Only the call whose turn it is reads the channel. Replies a
		 * host sent before it ended still come (sim_recv). */
		rv = sim_recv(s->chan, rx);
		if (rv > 0) {
			const struct sim_ta_reply *rep = (const void *)rx->u.bytes;

			ok = rx->u.hdr.type == SIM_MSG_TA_REPLY && rx->nfds == 0 &&
			     rep->op_id == op_id;
			if (!ok)
				sim_rx_close_fds(rx); /* the host broke the protocol */
		}
	}
	if (!ok) {
		/* Later replies cannot be trusted to match either: wakes every call. */
		cl_sess_mark_dead(s);
		return false;
	}
	pthread_mutex_lock(&s->pipe_lock);
	s->replied = ticket + 1;
	/* Broadcast, though only the next call waits there: correct even if it
	 * were not alone. */
	pthread_cond_broadcast(turn_of(s, s->replied));
	pthread_mutex_unlock(&s->pipe_lock);
	return true;
}

/* Wakes one call waiting for what the calling one leaves, or was woken for and
 * does not take (caller holds pipe_lock). */
static void pass_on(struct cl_sess *s)
{
	if (s->in_tee < CL_PIPELINE_DEPTH)
		pthread_cond_signal(&s->slot_free);
	if (!s->arena_busy)
		pthread_cond_signal(&s->arena_free);
}

/* Enters the call (cl_sess_wait_idle waits for it) and waits for the arena if
 * it needs it (wants_arena), then for room in the session's pipeline.
 * TEEC_SUCCESS: it holds a slot, and the arena if it asked. Otherwise it holds
 * neither and *origin is set: TARGET_DEAD, the channel died; CANCEL, o was
 * cancelled (TEEC_RequestCancellation wakes both waits). The call counts until
 * leave_call either way. */
static TEEC_Result enter_call(struct cl_sess *s, struct cl_op *o, bool is_open,
			      bool wants_arena, uint32_t *origin)
{
	TEEC_Result res = TEEC_SUCCESS;
	bool arena = false;

	pthread_mutex_lock(&s->pipe_lock);
	s->calls++;
	for (;;) {
		if (cl_sess_is_dead(s)) {
			res = target_dead(origin);
			break;
		}
		if (o && cl_op_cancelled(o)) {
			res = cancelled(is_open, origin);
			break;
		}
		if (wants_arena && !arena) {
			if (s->arena_busy) {
				pthread_cond_wait(&s->arena_free, &s->pipe_lock);
				continue;
			}
			s->arena_busy = arena = true;
		}
		if (s->in_tee < CL_PIPELINE_DEPTH) {
			s->in_tee++;
			break;
		}
		pthread_cond_wait(&s->slot_free, &s->pipe_lock);
	}
	if (res) {
		if (arena)
			s->arena_busy = false;
		/* A signal meant for a slot or the arena may have woken this call. */
		pass_on(s);
	}
	pthread_mutex_unlock(&s->pipe_lock);
	return res;
}

/* Gives back the call's pipeline slot and arena (if entered with them) and
 * leaves the call. */
static void leave_call(struct cl_sess *s, bool entered, bool arena)
{
	pthread_mutex_lock(&s->pipe_lock);
	if (entered) {
		s->in_tee--;
		pthread_cond_signal(&s->slot_free);
	}
	if (entered && arena) {
		s->arena_busy = false;
		pthread_cond_signal(&s->arena_free);
	}
	if (--s->calls == 0)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->pipe_lock);
}

void cl_sess_wake_slot_waiters(struct cl_sess *s)
{
	pthread_mutex_lock(&s->pipe_lock);
	pthread_cond_broadcast(&s->slot_free);
	pthread_cond_broadcast(&s->arena_free);
	pthread_mutex_unlock(&s->pipe_lock);
}

void cl_sess_wait_idle(struct cl_sess *s)
{
	pthread_mutex_lock(&s->pipe_lock);
	while (s->calls != 0)
		pthread_cond_wait(&s->idle, &s->pipe_lock);
	pthread_mutex_unlock(&s->pipe_lock);
}

TEEC_Result cl_call(struct cl_sess *s, bool is_open, uint32_t cmd, TEEC_Operation *op,
		    struct cl_op *o, uint32_t *origin)
{
	struct cl_marshal *m = calloc(1, sizeof(*m));
	struct sim_rx *rx = malloc(sizeof(*rx));
	uint64_t ticket = 0;
	bool entered = false;
	TEEC_Result res;

	*origin = TEEC_ORIGIN_API;
	if (!m || !rx) {
		free(m);
		free(rx);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	if (op)
		op->imp.session = s->pub;
	res = cl_params_layout(op, m);
	if (res) {
		*origin = marshal_origin(res);
		goto out_free;
	}
	res = enter_call(s, o, is_open, m->arena_need > 0, origin);
	if (res)
		goto out_left;
	entered = true;
	res = cl_params_marshal(s, op, m);
	if (res) {
		*origin = marshal_origin(res);
		goto out;
	}
	res = send_call(s, o, m, is_open, cmd, &ticket, origin);
	if (res)
		goto out;
	if (!recv_reply(s, ticket, m->call.op_id, rx)) {
		res = target_dead(origin); /* recv_reply marked the channel dead */
		goto out;
	}
	{
		const struct sim_ta_reply *rep = (const void *)rx->u.bytes;

		res = rep->result;
		*origin = rep->origin == TEEC_ORIGIN_TEE ? TEEC_ORIGIN_TEE
							  : TEEC_ORIGIN_TRUSTED_APP;
		cl_params_unmarshal(op, m, rep);
	}
out:
	cl_params_release(m);
out_left:
	leave_call(s, entered, m->arena_need > 0);
out_free:
	free(m);
	free(rx);
	return res;
}
