/*
 * TEE_Malloc / TEE_Realloc / TEE_Free and the memory helpers.
 *
 * Every block carries a header and sits on a list so that
 * TEE_CheckMemoryAccessRights can tell the TA's own allocations apart, and
 * so that the heap can be capped at the TA's TA_DATA_SIZE as on a real TEE
 * (a TA that fits here also fits its data size on a device).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tee_internal_api.h"
#include "tee_sdk_internal.h"
#include "tee_sim_runtime.h"

#define BLOCK_MAGIC 0x4b4c4254u /* "TBLK" */

struct block {
	struct block *prev;
	struct block *next;
	size_t size;      /* bytes the TA asked for */
	uint32_t magic;   /* BLOCK_MAGIC while the block is live */
	uint32_t pad;
	/* Keeps the payload aligned like malloc's own result. */
	_Alignas(max_align_t) unsigned char payload[];
};

static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;
static struct block *heap_head;
static size_t heap_used;

static size_t heap_limit(void)
{
	const struct tee_sim_ta_head *head = tee_sim_rt_ta_head();

	return head ? head->data_size : 0;
}

/* Reserves n bytes of the TA's data size; false if that would exceed it. */
static bool heap_reserve(size_t n)
{
	size_t limit = heap_limit();

	if (n > limit || heap_used > limit - n)
		return false;
	heap_used += n;
	return true;
}

static void list_insert(struct block *b)
{
	b->prev = NULL;
	b->next = heap_head;
	if (heap_head)
		heap_head->prev = b;
	heap_head = b;
}

static void list_remove(struct block *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		heap_head = b->next;
	if (b->next)
		b->next->prev = b->prev;
}

/* The live block whose payload starts at p, or NULL. Caller holds heap_lock. */
static struct block *find_block(const void *p)
{
	for (struct block *b = heap_head; b; b = b->next)
		if ((const void *)b->payload == p)
			return b;
	return NULL;
}

void *TEE_Malloc(size_t size, uint32_t hint)
{
	struct block *b;

	/* Reserved hint bits (GP 0x1..0x7FFFFFFF other than ours) are refused. */
	if (hint & ~(uint32_t)(TEE_MALLOC_NO_FILL | TEE_MALLOC_NO_SHARE |
			       TEE_USER_MEM_HINT_NO_FILL_ZERO))
		return NULL;
	if (size > SIZE_MAX - sizeof(*b))
		return NULL;

	pthread_mutex_lock(&heap_lock);
	if (!heap_reserve(size)) {
		pthread_mutex_unlock(&heap_lock);
		return NULL;
	}
	b = malloc(sizeof(*b) + size);
	if (!b) {
		heap_used -= size;
		pthread_mutex_unlock(&heap_lock);
		return NULL;
	}
	b->size = size;
	b->magic = BLOCK_MAGIC;
	b->pad = 0;
	list_insert(b);
	pthread_mutex_unlock(&heap_lock);

	if (!(hint & (TEE_MALLOC_NO_FILL | TEE_USER_MEM_HINT_NO_FILL_ZERO)))
		memset(b->payload, 0, size);
	return b->payload;
}

void TEE_Free(void *buffer)
{
	struct block *b;

	if (!buffer)
		return;
	pthread_mutex_lock(&heap_lock);
	b = find_block(buffer);
	if (!b) {
		pthread_mutex_unlock(&heap_lock);
		/* GP: freeing something TEE_Malloc did not return is a TA bug. */
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	}
	list_remove(b);
	heap_used -= b->size;
	b->magic = 0;
	pthread_mutex_unlock(&heap_lock);
	free(b);
}

void *TEE_Realloc(void *buffer, size_t newSize)
{
	struct block *b, *nb;
	size_t old;

	if (!buffer)
		return TEE_Malloc(newSize, TEE_MALLOC_FILL_ZERO);
	if (newSize > SIZE_MAX - sizeof(*b))
		return NULL;

	pthread_mutex_lock(&heap_lock);
	b = find_block(buffer);
	if (!b) {
		pthread_mutex_unlock(&heap_lock);
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	}
	old = b->size;
	/* Account for the new size first; on failure the old block is untouched. */
	heap_used -= old;
	if (!heap_reserve(newSize)) {
		heap_used += old;
		pthread_mutex_unlock(&heap_lock);
		return NULL;
	}
	list_remove(b);
	nb = realloc(b, sizeof(*b) + newSize);
	if (!nb) {
		heap_used -= newSize;
		heap_used += old;
		list_insert(b);
		pthread_mutex_unlock(&heap_lock);
		return NULL;
	}
	nb->size = newSize;
	list_insert(nb);
	pthread_mutex_unlock(&heap_lock);

	/* The grown part is zeroed so a TA never sees stale heap contents. */
	if (newSize > old)
		memset(nb->payload + old, 0, newSize - old);
	return nb->payload;
}

void *TEE_MemMove(void *dest, const void *src, size_t size)
{
	if (size == 0)
		return dest;
	return memmove(dest, src, size);
}

int32_t TEE_MemCompare(const void *buffer1, const void *buffer2, size_t size)
{
	int r;

	if (size == 0)
		return 0;
	r = memcmp(buffer1, buffer2, size);
	return r < 0 ? -1 : (r > 0 ? 1 : 0);
}

void *TEE_MemFill(void *buffer, uint32_t x, size_t size)
{
	if (size == 0)
		return buffer;
	return memset(buffer, (int)(uint8_t)x, size);
}

int tee_sdk_heap_owner(const void *p, size_t n)
{
	uintptr_t start = (uintptr_t)p;
	uintptr_t end = start + n; /* caller checked for overflow */
	int r = TEE_SDK_HEAP_NONE;

	pthread_mutex_lock(&heap_lock);
	for (struct block *b = heap_head; b; b = b->next) {
		uintptr_t bs = (uintptr_t)b->payload;
		uintptr_t be = bs + b->size;

		if (end <= bs || start >= be)
			continue;
		r = (start >= bs && end <= be) ? TEE_SDK_HEAP_INSIDE : TEE_SDK_HEAP_STRADDLES;
		break;
	}
	pthread_mutex_unlock(&heap_lock);
	return r;
}

size_t tee_sdk_heap_used(void)
{
	size_t n;

	pthread_mutex_lock(&heap_lock);
	n = heap_used;
	pthread_mutex_unlock(&heap_lock);
	return n;
}
