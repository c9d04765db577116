/* Loading a TA shared object and checking its header. */
#include <dlfcn.h>
#include <string.h>

#include "sim_log.h"
#include "sim_uuid.h"
#include "tahost.h"

struct th_ta th_ta;

static void *sym(const char *name)
{
	return dlsym(th_ta.dl, name);
}

uint32_t th_load(const char *path, const struct sim_uuid *uuid)
{
	const struct tee_sim_ta_head *h;
	char want[SIM_UUID_STR_LEN], got[SIM_UUID_STR_LEN];

	th_ta.dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!th_ta.dl) {
		sim_log(SIM_LOG_ERROR, "cannot load TA %s: %s", path, dlerror());
		return TEEC_ERROR_BAD_FORMAT;
	}
	h = sym(TEE_SIM_TA_HEAD_SYMBOL);
	if (!h || h->magic != TEE_SIM_TA_HEAD_MAGIC || h->abi_version != TEE_SIM_TA_ABI_VERSION) {
		sim_log(SIM_LOG_ERROR, "TA %s: missing or incompatible %s", path,
			TEE_SIM_TA_HEAD_SYMBOL);
		return TEEC_ERROR_BAD_FORMAT;
	}
	_Static_assert(sizeof(TEE_UUID) == sizeof(struct sim_uuid), "UUID layouts differ");
	if (memcmp(&h->uuid, uuid, sizeof(*uuid)) != 0) {
		sim_uuid_to_str(uuid, want);
		sim_uuid_to_str((const struct sim_uuid *)&h->uuid, got);
		sim_log(SIM_LOG_ERROR, "TA %s declares UUID %s, expected %s", path, got, want);
		return TEEC_ERROR_SECURITY;
	}
	th_ta.head = h;
	/* dlsym returns void *; POSIX guarantees it converts to function pointers. */
	*(void **)&th_ta.create = sym("TA_CreateEntryPoint");
	*(void **)&th_ta.destroy = sym("TA_DestroyEntryPoint");
	*(void **)&th_ta.open = sym("TA_OpenSessionEntryPoint");
	*(void **)&th_ta.close = sym("TA_CloseSessionEntryPoint");
	*(void **)&th_ta.invoke = sym("TA_InvokeCommandEntryPoint");
	if (!th_ta.create || !th_ta.destroy || !th_ta.open || !th_ta.close || !th_ta.invoke) {
		sim_log(SIM_LOG_ERROR, "TA %s lacks one of the five entry points", path);
		return TEEC_ERROR_BAD_FORMAT;
	}
	return 0;
}
