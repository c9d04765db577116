/* Running TA_OpenSessionEntryPoint / TA_InvokeCommandEntryPoint for a
 * request from a session channel. Everything in the request is checked
 * against our own mappings first: the client is not trusted. */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_log.h"
#include "sim_msg.h"
#include "sim_util.h"
#include "tahost.h"
#include "tee_api_defines.h"

/* The TA-side types the request carries (as TEE_PARAM_TYPES packs them). */
static bool is_value(uint32_t t)
{
	return t >= TEE_PARAM_TYPE_VALUE_INPUT && t <= TEE_PARAM_TYPE_VALUE_INOUT;
}

static bool is_memref(uint32_t t)
{
	return t >= TEE_PARAM_TYPE_MEMREF_INPUT && t <= TEE_PARAM_TYPE_MEMREF_INOUT;
}

/* Maps the session's cancel page (TA_OPEN only). */
static bool map_cancel_page(struct th_session *s, struct sim_rx *rx, int32_t slot)
{
	size_t size;
	void *p;
	int fd;

	if (slot < 0 || (size_t)slot >= rx->nfds)
		return false;
	fd = sim_rx_take_fd(rx, (size_t)slot);
	if (fd < 0)
		return false;
	if (!sim_memfd_check(fd, &size) || size < SIM_CANCEL_PAGE_SIZE) {
		close(fd);
		return false;
	}
	p = mmap(NULL, SIM_CANCEL_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return false;
	s->cancel = p;
	return true;
}

/* Turns one wire parameter into a TEE_Param; false if it is not acceptable. */
static bool decode_param(struct th_session *s, struct sim_rx *rx, const struct sim_param *p,
			 uint32_t type, TEE_Param *out)
{
	struct th_region *r;

	memset(out, 0, sizeof(*out));
	if (p->type != type)
		return false;
	if (type == 0)
		return true;
	if (is_value(type)) {
		out->value.a = p->a;
		out->value.b = p->b;
		return true;
	}
	if (!is_memref(type))
		return false;
	if (p->fd_slot >= 0) {
		int fd = sim_rx_take_fd(rx, (size_t)p->fd_slot);
		int err;

		if (fd < 0)
			return false;
		err = th_region_add(s, p->shm_id, fd);
		close(fd);
		if (err) {
			sim_log(SIM_LOG_ERROR, "session %u: cannot map region %u (%d)", s->id,
				p->shm_id, err);
			return false;
		}
	}
	if (p->shm_id == 0)
		return p->offset == 0 && p->size == 0; /* NULL buffer */
	r = th_region_find(s, p->shm_id);
	if (!r || p->offset > r->size || p->size > r->size - p->offset)
		return false;
	out->memref.buffer = (char *)r->base + p->offset;
	out->memref.size = (size_t)p->size;
	return true;
}

static bool decode_params(struct th_session *s, struct sim_rx *rx, const struct sim_ta_call *c,
			  TEE_Param params[4])
{
	bool ok = (c->param_types >> 16) == 0;

	for (unsigned i = 0; i < SIM_NUM_PARAMS; i++) {
		uint32_t t = (c->param_types >> (4 * i)) & 0xF;

		if (!decode_param(s, rx, &c->params[i], t, &params[i]))
			ok = false;
	}
	return ok;
}

static void encode_results(struct sim_ta_reply *rep, uint32_t types, const TEE_Param params[4])
{
	for (unsigned i = 0; i < SIM_NUM_PARAMS; i++) {
		uint32_t t = (types >> (4 * i)) & 0xF;
		struct sim_param *p = &rep->params[i];

		p->type = t;
		p->fd_slot = -1;
		if (is_value(t)) {
			p->a = params[i].value.a;
			p->b = params[i].value.b;
		} else if (is_memref(t)) {
			p->size = params[i].memref.size;
		}
	}
}

bool th_handle_call(struct th_session *s, struct sim_rx *rx)
{
	const struct sim_ta_call *c = (const void *)rx->u.bytes;
	bool is_open = c->hdr.type == SIM_MSG_TA_OPEN;
	struct sim_ta_reply rep;
	TEE_Param params[4];
	uint32_t res;
	int err;

	memset(&rep, 0, sizeof(rep));
	sim_hdr_init(&rep.hdr, SIM_MSG_TA_REPLY, 0);
	rep.op_id = c->op_id;
	if (is_open) {
		/* Exactly one open per channel, and it must bring the cancel page. */
		if (s->open_tried || !map_cancel_page(s, rx, c->cancel_fd_slot)) {
			sim_log(SIM_LOG_ERROR, "session %u: bad open request, channel dropped", s->id);
			sim_rx_close_fds(rx);
			return false;
		}
		s->open_tried = true;
	} else if (!s->opened) {
		sim_log(SIM_LOG_ERROR, "session %u: invoke before open, channel dropped", s->id);
		sim_rx_close_fds(rx);
		return false;
	}
	if (!decode_params(s, rx, c, params)) {
		sim_rx_close_fds(rx);
		rep.result = TEEC_ERROR_BAD_PARAMETERS;
		rep.origin = TEEC_ORIGIN_TEE;
		return sim_send(s->chan, &rep.hdr, NULL, true) == 0;
	}
	sim_rx_close_fds(rx); /* descriptors nobody referred to */

	/* The client's calls on a session are pipelined, and a shared instance
	 * serves one session at a time: this call (or open) may have been
	 * cancelled while it waited in the channel behind earlier ones. */
	if (sim_cancel_requested(s->cancel, c->op_id)) {
		/* GP: an operation cancelled while it waited in the TEE never enters the
		 * TA (a cancelled open leaves the session unopened: the client closes it). */
		rep.result = TEEC_ERROR_CANCEL;
		rep.origin = TEEC_ORIGIN_TEE;
		encode_results(&rep, c->param_types, params);
		return sim_send(s->chan, &rep.hdr, NULL, true) == 0;
	}
	th_cancel_reset(s, c->op_id);
	th_cur.param_types = c->param_types;
	memcpy(th_cur.params, params, sizeof(params));
	th_watch_arm(s);
	if (is_open) {
		void *ctx = NULL;

		res = th_ta.open(c->param_types, params, &ctx);
		if (res == 0) {
			s->opened = true;
			s->ta_ctx = ctx;
		}
	} else {
		res = th_ta.invoke(s->ta_ctx, c->cmd, c->param_types, params);
	}
	th_watch_disarm();
	memset(&th_cur, 0, sizeof(th_cur));
	th_cur.cancel_masked = true;

	rep.result = res;
	rep.origin = TEEC_ORIGIN_TRUSTED_APP;
	encode_results(&rep, c->param_types, params);
	/* Never wait for a client: one that does not read its replies must
	 * not stall the other sessions of a shared instance. */
	err = sim_send(s->chan, &rep.hdr, NULL, true);
	if (err)
		sim_log(SIM_LOG_INFO, "session %u: client gone, reply not delivered (%d)", s->id, err);
	return err == 0;
}
