/*
 * Parameters: the origin-API checks, and their translation to and from the
 * wire. Every memref becomes (region id, offset, size) in a sealed memfd the
 * TA host maps: allocated blocks are used in place; registered blocks go
 * through their shadow memfd; temporary buffers through the session's arena.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_util.h"
#include "teec_internal.h"

#define CL_ARENA_MIN (64u * 1024u)
#define CL_ALIGN 64u

static bool is_temp(uint32_t t)
{
	return t == TEEC_MEMREF_TEMP_INPUT || t == TEEC_MEMREF_TEMP_OUTPUT ||
	       t == TEEC_MEMREF_TEMP_INOUT;
}

static bool is_partial(uint32_t t)
{
	return t == TEEC_MEMREF_PARTIAL_INPUT || t == TEEC_MEMREF_PARTIAL_OUTPUT ||
	       t == TEEC_MEMREF_PARTIAL_INOUT;
}

/* Direction bits (TEEC_MEM_INPUT/OUTPUT) a memref type needs or implies. */
static uint32_t partial_dir(uint32_t t)
{
	return t == TEEC_MEMREF_PARTIAL_INPUT ? TEEC_MEM_INPUT :
	       t == TEEC_MEMREF_PARTIAL_OUTPUT ? TEEC_MEM_OUTPUT :
	       TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
}

/* GP Internal API type for a direction: 5 input, 6 output, 7 inout. */
static uint32_t ta_type(uint32_t dir)
{
	return dir == TEEC_MEM_INPUT ? 5 : dir == TEEC_MEM_OUTPUT ? 6 : 7;
}

static TEEC_Result check_one(const TEEC_Parameter *p, uint32_t t)
{
	const TEEC_SharedMemory *parent;
	struct cl_shm *m;
	TEEC_Result res = TEEC_SUCCESS;
	size_t end;

	switch (t) {
	case TEEC_NONE:
	case TEEC_VALUE_INPUT:
	case TEEC_VALUE_OUTPUT:
	case TEEC_VALUE_INOUT:
		return TEEC_SUCCESS;
	case TEEC_MEMREF_TEMP_INPUT:
	case TEEC_MEMREF_TEMP_OUTPUT:
	case TEEC_MEMREF_TEMP_INOUT:
		return !p->tmpref.buffer && p->tmpref.size ? TEEC_ERROR_BAD_PARAMETERS
							   : TEEC_SUCCESS;
	case TEEC_MEMREF_WHOLE:
	case TEEC_MEMREF_PARTIAL_INPUT:
	case TEEC_MEMREF_PARTIAL_OUTPUT:
	case TEEC_MEMREF_PARTIAL_INOUT:
		break;
	default:
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	parent = p->memref.parent;
	m = cl_shm_get(parent);
	if (!m)
		return TEEC_ERROR_BAD_PARAMETERS; /* NULL, unknown or released */
	if (parent->size > m->size) {
		res = TEEC_ERROR_BAD_PARAMETERS;
	} else if (is_partial(t)) {
		uint32_t need = partial_dir(t);

		if ((m->flags & need) != need ||
		    __builtin_add_overflow(p->memref.offset, p->memref.size, &end) ||
		    end > parent->size)
			res = TEEC_ERROR_BAD_PARAMETERS;
	}
	cl_shm_put(m);
	return res;
}

TEEC_Result cl_params_check(const TEEC_Operation *op)
{
	if (!op)
		return TEEC_SUCCESS;
	for (unsigned i = 0; i < TEEC_CONFIG_PAYLOAD_REF_COUNT; i++) {
		TEEC_Result res = check_one(&op->params[i], TEEC_PARAM_TYPE_GET(op->paramTypes, i));

		if (res)
			return res;
	}
	return TEEC_SUCCESS;
}

/* Makes sure the TA host can resolve p's region (p->shm_id): attach its fd
 * once (caller holds known_lock). */
static TEEC_Result attach_region(struct cl_sess *s, struct cl_marshal *m, int fd, struct sim_param *p)
{
	uint32_t id = p->shm_id;

	p->fd_slot = -1;
	for (size_t i = 0; i < m->nnew; i++) {
		if (m->new_ids[i] == id)
			return TEEC_SUCCESS; /* already attached to this call */
	}
	if (cl_sess_knows(s, id))
		return TEEC_SUCCESS;
	if (m->nfds >= SIM_MSG_MAX_FDS - 1) /* one slot stays for the cancel page */
		return TEEC_ERROR_GENERIC;
	p->fd_slot = (int32_t)m->nfds;
	m->fds[m->nfds++] = fd;
	m->new_ids[m->nnew++] = id;
	return TEEC_SUCCESS;
}

/* Grows the temporary-memref arena to at least need bytes. */
static TEEC_Result ensure_arena(struct cl_sess *s, size_t need)
{
	size_t len = s->arena_len ? s->arena_len : CL_ARENA_MIN;
	void *map;
	int fd;

	if (need <= s->arena_len)
		return TEEC_SUCCESS;
	while (len < need) {
		if (len > SIZE_MAX / 2)
			return TEEC_ERROR_OUT_OF_MEMORY;
		len *= 2;
	}
	fd = sim_memfd_create("rx-teec-bounce", len);
	if (fd < 0)
		return TEEC_ERROR_OUT_OF_MEMORY;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		close(fd);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	if (s->arena) {
		/* No other call uses the arena (this one owns it); the TA host
		 * may unmap the old one. */
		cl_sess_forget(s, s->arena_id);
		munmap(s->arena, s->arena_len);
		close(s->arena_fd);
	}
	s->arena = map;
	s->arena_fd = fd;
	s->arena_len = len;
	s->arena_id = cl_new_region_id();
	return TEEC_SUCCESS;
}

static TEEC_Result marshal_temp(struct cl_sess *s, struct cl_marshal *m, unsigned i,
				const TEEC_TempMemoryReference *t, uint32_t type,
				struct sim_param *p)
{
	p->type = type;
	if (!t->buffer)
		return TEEC_SUCCESS; /* NULL/0: the TA sees a NULL buffer */
	p->offset = m->off[i];
	p->size = t->size;
	m->len[i] = t->size;
	/*
	 * The arena is reused from call to call: an output-only slot is cleared so
	 * the TA (and, on copy-back, the client) never sees bytes of an earlier call.
	 */
	if (type != TEEC_MEMREF_TEMP_OUTPUT && t->size)
		memcpy((char *)s->arena + m->off[i], t->buffer, t->size);
	else if (t->size)
		memset((char *)s->arena + m->off[i], 0, t->size);
	p->shm_id = s->arena_id;
	m->region_fd[i] = s->arena_fd;
	return TEEC_SUCCESS;
}

static TEEC_Result marshal_shm(struct cl_sess *s, struct cl_marshal *m, unsigned i,
			       const TEEC_RegisteredMemoryReference *r, uint32_t type,
			       struct sim_param *p)
{
	struct cl_shm *sh = cl_shm_get(r->parent);
	uint32_t dir;
	size_t off, size, end;

	if (!sh)
		return TEEC_ERROR_BAD_PARAMETERS; /* released since the check */
	m->shm[i] = sh;
	if (type == TEEC_MEMREF_WHOLE) {
		dir = sh->flags & (TEEC_MEM_INPUT | TEEC_MEM_OUTPUT);
		off = 0;
		size = r->parent->size;
	} else {
		dir = partial_dir(type);
		off = r->offset;
		size = r->size;
	}
	if (__builtin_add_overflow(off, size, &end) || end > sh->size ||
	    (sh->flags & dir) != dir)
		return TEEC_ERROR_BAD_PARAMETERS;
	p->type = ta_type(dir);
	p->offset = off;
	p->size = size;
	m->off[i] = off;
	m->len[i] = size;
	if (sh->user_buf && (dir & TEEC_MEM_INPUT) && size)
		memcpy((char *)sh->map + off, (const char *)sh->user_buf + off, size);
	p->shm_id = (uint32_t)sh->id;
	m->region_fd[i] = sh->fd;
	return TEEC_SUCCESS;
}

TEEC_Result cl_params_layout(const TEEC_Operation *op, struct cl_marshal *m)
{
	size_t need = 0;

	m->arena_need = 0;
	if (!op)
		return TEEC_SUCCESS;
	for (unsigned i = 0; i < SIM_NUM_PARAMS; i++) {
		uint32_t t = TEEC_PARAM_TYPE_GET(op->paramTypes, i);
		size_t sz = op->params[i].tmpref.size, padded;

		if (!is_temp(t) || !op->params[i].tmpref.buffer)
			continue;
		if (sz == 0)
			sz = 1; /* a non-NULL empty buffer still points into the arena */
		if (__builtin_add_overflow(sz, CL_ALIGN - 1, &padded) ||
		    __builtin_add_overflow(need, padded / CL_ALIGN * CL_ALIGN, &need))
			return TEEC_ERROR_OUT_OF_MEMORY;
		m->off[i] = need - padded / CL_ALIGN * CL_ALIGN;
	}
	m->arena_need = need;
	return TEEC_SUCCESS;
}

TEEC_Result cl_params_marshal(struct cl_sess *s, TEEC_Operation *op, struct cl_marshal *m)
{
	TEEC_Result res;

	memset(&m->call, 0, sizeof(m->call));
	sim_hdr_init(&m->call.hdr, SIM_MSG_TA_INVOKE, 0);
	for (unsigned i = 0; i < SIM_NUM_PARAMS; i++) {
		m->call.params[i].fd_slot = -1;
		m->region_fd[i] = -1;
	}
	if (!op)
		return TEEC_SUCCESS;
	if (m->arena_need) {
		res = ensure_arena(s, m->arena_need);
		if (res)
			return res;
		m->arena_base = s->arena;
	}

	m->call.param_types = 0;
	for (unsigned i = 0; i < SIM_NUM_PARAMS; i++) {
		uint32_t t = TEEC_PARAM_TYPE_GET(op->paramTypes, i);
		TEEC_Parameter *p = &op->params[i];
		struct sim_param *w = &m->call.params[i];

		res = TEEC_SUCCESS;
		if (t == TEEC_NONE) {
			w->type = 0;
		} else if (t <= TEEC_VALUE_INOUT) {
			w->type = t;
			w->a = p->value.a;
			w->b = p->value.b;
		} else if (is_temp(t)) {
			res = marshal_temp(s, m, i, &p->tmpref, t, w);
		} else {
			res = marshal_shm(s, m, i, &p->memref, t, w);
		}
		if (res)
			return res;
		m->call.param_types |= w->type << (4 * i);
	}
	return TEEC_SUCCESS;
}

TEEC_Result cl_params_attach(struct cl_sess *s, struct cl_marshal *m)
{
	TEEC_Result res;

	for (unsigned i = 0; i < SIM_NUM_PARAMS; i++) {
		struct sim_param *p = &m->call.params[i];

		/* Released after marshalling: its FORGET pass may have gone by
		 * already, so the TA host must not learn it now. */
		if (m->shm[i] && cl_shm_released(m->shm[i]))
			return TEEC_ERROR_BAD_PARAMETERS;
		if (m->region_fd[i] < 0)
			continue;
		res = attach_region(s, m, m->region_fd[i], p);
		if (res)
			return res;
	}
	return TEEC_SUCCESS;
}

static size_t min_size(uint64_t a, size_t b)
{
	return a < b ? (size_t)a : b;
}

void cl_params_unmarshal(TEEC_Operation *op, const struct cl_marshal *m,
			 const struct sim_ta_reply *rep)
{
	/* SHORT_BUFFER: sizes are updated, no data is copied. */
	bool copy = rep->result != TEEC_ERROR_SHORT_BUFFER;

	if (!op)
		return;
	for (unsigned i = 0; i < SIM_NUM_PARAMS; i++) {
		uint32_t t = TEEC_PARAM_TYPE_GET(op->paramTypes, i);
		TEEC_Parameter *p = &op->params[i];
		const struct sim_param *r = &rep->params[i];
		struct cl_shm *sh = m->shm[i];
		size_t ret = r->size > SIZE_MAX ? SIZE_MAX : (size_t)r->size;

		if (t == TEEC_VALUE_OUTPUT || t == TEEC_VALUE_INOUT) {
			p->value.a = r->a;
			p->value.b = r->b;
		} else if (t == TEEC_MEMREF_TEMP_OUTPUT || t == TEEC_MEMREF_TEMP_INOUT) {
			if (copy && p->tmpref.buffer && m->len[i])
				memcpy(p->tmpref.buffer, (const char *)m->arena_base + m->off[i],
				       min_size(r->size, m->len[i]));
			p->tmpref.size = ret;
		} else if (t == TEEC_MEMREF_WHOLE && sh && (sh->flags & TEEC_MEM_OUTPUT)) {
			if (copy && sh->user_buf && m->len[i])
				memcpy(sh->user_buf, sh->map, min_size(r->size, m->len[i]));
			p->memref.size = ret;
		} else if ((t == TEEC_MEMREF_PARTIAL_OUTPUT || t == TEEC_MEMREF_PARTIAL_INOUT) && sh) {
			if (copy && sh->user_buf && m->len[i])
				memcpy((char *)sh->user_buf + m->off[i], (const char *)sh->map + m->off[i],
				       min_size(r->size, m->len[i]));
			p->memref.size = ret;
		}
	}
}

void cl_params_release(struct cl_marshal *m)
{
	for (unsigned i = 0; i < SIM_NUM_PARAMS; i++) {
		if (m->shm[i])
			cl_shm_put(m->shm[i]);
		m->shm[i] = NULL;
	}
}
