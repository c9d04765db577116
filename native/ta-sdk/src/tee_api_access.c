/*
 * TEE_CheckMemoryAccessRights.
 *
 * Memory the client shares with the TA (memref buffers of the running
 * operation) needs TEE_MEMORY_ACCESS_ANY_OWNER, because the client may
 * change it behind the TA's back. Everything else is checked for real:
 * blocks from TEE_Malloc must be wholly inside one block, and every byte must
 * be mapped with the requested permissions in this process.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tee_internal_api.h"
#include "tee_sdk_internal.h"
#include "tee_sim_runtime.h"

/*
 * True if [start, end) is covered by consecutive mappings of this process
 * that allow the requested access.
 */
static bool mapped_with_rights(uintptr_t start, uintptr_t end, uint32_t flags)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char *line = NULL;
	size_t cap = 0;
	uintptr_t cur = start;
	bool ok = false;

	if (!f)
		return false;
	while (getline(&line, &cap, f) > 0) {
		unsigned long ms, me;
		char perms[5] = { 0 };

		if (sscanf(line, "%lx-%lx %4s", &ms, &me, perms) != 3)
			break;
		if ((uintptr_t)me <= cur)
			continue;
		if ((uintptr_t)ms > cur)
			break; /* a hole before the rest of the range */
		if ((flags & TEE_MEMORY_ACCESS_READ) && perms[0] != 'r')
			break;
		if ((flags & TEE_MEMORY_ACCESS_WRITE) && perms[1] != 'w')
			break;
		cur = (uintptr_t)me;
		if (cur >= end) {
			ok = true;
			break;
		}
	}
	free(line);
	fclose(f);
	return ok;
}

TEE_Result TEE_CheckMemoryAccessRights(uint32_t accessFlags, void *buffer, size_t size)
{
	const uint32_t known = TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_WRITE |
			       TEE_MEMORY_ACCESS_ANY_OWNER;
	uintptr_t start = (uintptr_t)buffer;
	bool first_shared, last_shared;

	if (accessFlags & ~known)
		return TEE_ERROR_ACCESS_DENIED;
	if (size == 0)
		return TEE_SUCCESS;
	if (start > UINTPTR_MAX - size)
		return TEE_ERROR_ACCESS_DENIED;

	if (tee_sim_rt_is_client_memory(buffer, size)) {
		if (!(accessFlags & TEE_MEMORY_ACCESS_ANY_OWNER))
			return TEE_ERROR_ACCESS_DENIED;
	} else {
		/* Part client memory, part not: ownership is mixed, refuse. */
		first_shared = tee_sim_rt_is_client_memory(buffer, 1);
		last_shared = tee_sim_rt_is_client_memory((char *)buffer + size - 1, 1);
		if (first_shared || last_shared)
			return TEE_ERROR_ACCESS_DENIED;
		if (tee_sdk_heap_owner(buffer, size) == TEE_SDK_HEAP_STRADDLES)
			return TEE_ERROR_ACCESS_DENIED;
	}
	if (!mapped_with_rights(start, start + size, accessFlags))
		return TEE_ERROR_ACCESS_DENIED;
	return TEE_SUCCESS;
}
