/* Client memory regions mapped for a session channel, keyed by the
 * client's region id. Every region is a sealed memfd, so its size is fixed
 * and access within it cannot fault. */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_util.h"
#include "tahost.h"

/* Bounds the mappings one client can make us hold. */
#define TH_MAX_REGIONS 4096u

struct th_region *th_region_find(struct th_session *s, uint32_t id)
{
	for (size_t i = 0; i < s->nregions; i++)
		if (s->regions[i].id == id)
			return &s->regions[i];
	return NULL;
}

int th_region_add(struct th_session *s, uint32_t id, int fd)
{
	size_t size;
	void *base;

	if (id == 0 || th_region_find(s, id))
		return -EEXIST;
	if (s->nregions >= TH_MAX_REGIONS)
		return -ENOSPC;
	if (!sim_memfd_check(fd, &size))
		return -EINVAL;
	if (s->nregions == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct th_region *r = realloc(s->regions, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		s->regions = r;
		s->cap = cap;
	}
	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		return -errno;
	s->regions[s->nregions++] = (struct th_region){ .id = id, .base = base, .size = size };
	return 0;
}

void th_region_forget(struct th_session *s, uint32_t id)
{
	struct th_region *r = th_region_find(s, id);

	if (!r)
		return;
	munmap(r->base, r->size);
	*r = s->regions[--s->nregions];
}

void th_region_forget_all(struct th_session *s)
{
	for (size_t i = 0; i < s->nregions; i++)
		munmap(s->regions[i].base, s->regions[i].size);
	free(s->regions);
	s->regions = NULL;
	s->nregions = s->cap = 0;
}
