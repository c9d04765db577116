/* TEEC_AllocateSharedMemory / RegisterSharedMemory / ReleaseSharedMemory.
 *
 * Allocated: a sealed memfd mapped here (the client's buffer) and, at first
 * use on a session, in the TA host: no copies. Registered: the client's own
 * memory (possibly read-only) plus a shadow memfd, copied in before and out
 * after each call for the referenced range and direction. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_util.h"
#include "teec_internal.h"

struct cl_shm *cl_shms;
static uint32_t id_counter;

uint32_t cl_new_region_id(void)
{
	for (;;) {
		/* Positive int32: the id is also TEEC_SharedMemory.imp.id. */
		uint32_t id = __atomic_add_fetch(&id_counter, 1, __ATOMIC_RELAXED) & 0x7fffffffu;

		if (id)
			return id;
	}
}

struct cl_shm *cl_shm_get(const TEEC_SharedMemory *pub)
{
	struct cl_shm *m;

	if (!pub || pub->imp.id <= 0)
		return NULL;
	pthread_mutex_lock(&cl_lock);
	for (m = cl_shms; m; m = m->next) {
		if (m->id == pub->imp.id) {
			m->refs++;
			break;
		}
	}
	pthread_mutex_unlock(&cl_lock);
	return m;
}

void cl_shm_put(struct cl_shm *m)
{
	bool last;

	pthread_mutex_lock(&cl_lock);
	last = --m->refs == 0;
	pthread_mutex_unlock(&cl_lock);
	if (!last)
		return;
	munmap(m->map, m->map_len);
	close(m->fd);
	free(m);
}

/*
 * Read without cl_lock: every memref of every call asks, under its session's
 * send lock. The order that matters comes from known_lock, not from cl_lock:
 * TEEC_ReleaseSharedMemory stores the flag before its FORGET pass, which
 * takes each session's known_lock, and a call asks with its session's
 * known_lock held. If the pass took that lock first, the call sees the flag
 * and is not sent; if the call did, it is sent and the FORGET follows it on
 * the channel. In the first case the pass's known_lock section orders the
 * store before the load, so the flag needs no ordering of its own: it is
 * atomic only so that reading it without cl_lock is no data race.
 */
bool cl_shm_released(struct cl_shm *m)
{
	return __atomic_load_n(&m->released, __ATOMIC_RELAXED);
}

static bool valid_flags(uint32_t f)
{
	return f != 0 && (f & ~(uint32_t)(TEEC_MEM_INPUT | TEEC_MEM_OUTPUT)) == 0;
}

/* A sealed memfd of `size` bytes, mapped here. */
static TEEC_Result shm_new(TEEC_SharedMemory *pub, void *user_buf, struct cl_shm **out)
{
	struct cl_shm *m = calloc(1, sizeof(*m));
	size_t len;

	if (!m || !sim_page_round(pub->size, &len)) {
		free(m);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	m->fd = sim_memfd_create(user_buf ? "rx-teec-shadow" : "rx-teec-shm", pub->size);
	if (m->fd < 0) {
		free(m);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	m->map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->map == MAP_FAILED) {
		close(m->fd);
		free(m);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	m->map_len = len;
	m->size = pub->size;
	m->user_buf = user_buf;
	m->flags = pub->flags;
	m->refs = 1;
	m->id = (int32_t)cl_new_region_id();
	*out = m;
	return TEEC_SUCCESS;
}

static void shm_publish(TEEC_SharedMemory *pub, struct cl_shm *m)
{
	pub->imp.id = m->id;
	pub->imp.alloced_size = m->map_len;
	pub->imp.shadow_buffer = m->user_buf ? m->map : NULL;
	pub->imp.registered_fd = m->fd;
	pub->imp.flags = m->flags;
	pthread_mutex_lock(&cl_lock);
	m->next = cl_shms;
	cl_shms = m;
	pthread_mutex_unlock(&cl_lock);
}

API TEEC_Result TEEC_AllocateSharedMemory(TEEC_Context *context, TEEC_SharedMemory *sharedMem)
{
	struct cl_ctx *c;
	struct cl_shm *m;
	TEEC_Result res;

	if (!context || !sharedMem || !valid_flags(sharedMem->flags))
		return TEEC_ERROR_BAD_PARAMETERS;
	c = cl_ctx_get(context);
	if (!c)
		return TEEC_ERROR_BAD_PARAMETERS;
	cl_ctx_put(c);
	res = shm_new(sharedMem, NULL, &m);
	if (res)
		return res;
	sharedMem->buffer = m->map;
	shm_publish(sharedMem, m);
	return TEEC_SUCCESS;
}

API TEEC_Result TEEC_RegisterSharedMemory(TEEC_Context *context, TEEC_SharedMemory *sharedMem)
{
	struct cl_ctx *c;
	struct cl_shm *m;
	TEEC_Result res;

	if (!context || !sharedMem || !valid_flags(sharedMem->flags) || !sharedMem->buffer)
		return TEEC_ERROR_BAD_PARAMETERS;
	c = cl_ctx_get(context);
	if (!c)
		return TEEC_ERROR_BAD_PARAMETERS;
	cl_ctx_put(c);
	res = shm_new(sharedMem, sharedMem->buffer, &m);
	if (res)
		return res;
	shm_publish(sharedMem, m);
	return TEEC_SUCCESS;
}

bool cl_shm_listed(uint32_t id)
{
	bool listed = false;

	pthread_mutex_lock(&cl_lock);
	for (struct cl_shm *m = cl_shms; m && !listed; m = m->next)
		listed = (uint32_t)m->id == id;
	pthread_mutex_unlock(&cl_lock);
	return listed;
}

/* Every TA host that mapped the block unmaps it. */
static void forget_everywhere(uint32_t id)
{
	struct cl_sess **list = NULL;
	size_t n = 0, cap = 0;

	pthread_mutex_lock(&cl_lock);
	for (struct cl_sess *s = cl_sessions; s; s = s->next)
		cap++;
	if (cap)
		list = malloc(cap * sizeof(*list));
	for (struct cl_sess *s = cl_sessions; list && s; s = s->next) {
		s->refs++;
		list[n++] = s;
	}
	pthread_mutex_unlock(&cl_lock);
	/* Without memory for the list, hosts keep the mapping until the
	 * session closes: harmless, just not returned early. */
	for (size_t i = 0; i < n; i++) {
		cl_sess_forget(list[i], id);
		cl_sess_put(list[i]);
	}
	free(list);
}

API void TEEC_ReleaseSharedMemory(TEEC_SharedMemory *sharedMemory)
{
	struct cl_shm *m = NULL, **pp;

	if (!sharedMemory || sharedMemory->imp.id <= 0)
		return;
	pthread_mutex_lock(&cl_lock);
	for (pp = &cl_shms; *pp; pp = &(*pp)->next) {
		if ((*pp)->id == sharedMemory->imp.id) {
			m = *pp;
			*pp = m->next;
			/* Before the FORGET pass: a call marshalled with the block
			 * and not sent yet sees it and is not sent (params.c). */
			__atomic_store_n(&m->released, true, __ATOMIC_RELAXED);
			break;
		}
	}
	pthread_mutex_unlock(&cl_lock);
	if (!m)
		return; /* released already */
	forget_everywhere((uint32_t)m->id);
	if (!m->user_buf)
		sharedMemory->buffer = NULL;
	sharedMemory->size = 0;
	sharedMemory->imp.id = -1;
	sharedMemory->imp.alloced_size = 0;
	sharedMemory->imp.shadow_buffer = NULL;
	sharedMemory->imp.registered_fd = -1;
	cl_shm_put(m); /* unmapped once no call uses it any more */
}
