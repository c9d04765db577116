/*
 * Client identities, computed from the peer's credentials (never from what
 * the client says, except the gid of a GROUP login, which is checked).
 * Names hashed into UUIDv5 in the Linux TEE namespace:
 *   USER "uid=%x", GROUP "gid=%x", APPLICATION "app=<exe>",
 *   USER_APPLICATION "uid=%x:app=<exe>", GROUP_APPLICATION "gid=%x:app=<exe>".
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_uuid.h"
#include "simd.h"

/* 58ac9ca0-2086-4683-a1b8-ec4bc08e01b6 */
static const struct sim_uuid client_ns = {
	0x58ac9ca0, 0x2086, 0x4683, { 0xa1, 0xb8, 0xec, 0x4b, 0xc0, 0x8e, 0x01, 0xb6 }
};

/* True if the process is in group gid (effective gid or supplementary),
 * read from /proc/<pid>/status; the effective uid must still be the peer's
 * (guards against the pid having been reused). */
static bool in_group(const struct d_client *cl, gid_t gid)
{
	char path[64], line[4096];
	bool member = false, uid_ok = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)cl->pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long v[4];

		if (sscanf(line, "Uid: %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3]) == 4) {
			uid_ok = v[1] == (unsigned long)cl->uid;
		} else if (sscanf(line, "Gid: %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3]) == 4) {
			if (v[1] == (unsigned long)gid)
				member = true;
		} else if (strncmp(line, "Groups:", 7) == 0) {
			char *p = line + 7, *end;

			for (;;) {
				unsigned long g = strtoul(p, &end, 10);

				if (end == p)
					break;
				if (g == (unsigned long)gid)
					member = true;
				p = end;
			}
		}
	}
	fclose(f);
	return member && uid_ok;
}

static bool client_exe(const struct d_client *cl, char *out, size_t cap)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)cl->pid);
	n = readlink(path, out, cap - 1);
	if (n <= 0)
		return false;
	out[n] = '\0';
	return true;
}

uint32_t d_identity(const struct d_client *cl, uint32_t login, uint32_t gid,
		    struct sim_uuid *out, uint32_t *origin)
{
	char exe[PATH_MAX], name[PATH_MAX + 64];
	bool app = login == TEEC_LOGIN_APPLICATION || login == TEEC_LOGIN_USER_APPLICATION ||
		   login == TEEC_LOGIN_GROUP_APPLICATION;
	int n;

	*origin = TEEC_ORIGIN_COMMS;
	memset(out, 0, sizeof(*out));
	if (login == TEEC_LOGIN_PUBLIC)
		return TEEC_SUCCESS;
	if (login == TEEC_LOGIN_GROUP || login == TEEC_LOGIN_GROUP_APPLICATION) {
		/* Linux tee_core refuses with -EPERM: ACCESS_DENIED, origin COMMS. */
		if (!in_group(cl, (gid_t)gid))
			return TEEC_ERROR_ACCESS_DENIED;
	}
	if (app && !client_exe(cl, exe, sizeof(exe)))
		return TEEC_ERROR_ACCESS_DENIED;
	switch (login) {
	case TEEC_LOGIN_USER:
		n = snprintf(name, sizeof(name), "uid=%x", (unsigned)cl->uid);
		break;
	case TEEC_LOGIN_GROUP:
		n = snprintf(name, sizeof(name), "gid=%x", (unsigned)gid);
		break;
	case TEEC_LOGIN_APPLICATION:
		n = snprintf(name, sizeof(name), "app=%s", exe);
		break;
	case TEEC_LOGIN_USER_APPLICATION:
		n = snprintf(name, sizeof(name), "uid=%x:app=%s", (unsigned)cl->uid, exe);
		break;
	case TEEC_LOGIN_GROUP_APPLICATION:
		n = snprintf(name, sizeof(name), "gid=%x:app=%s", (unsigned)gid, exe);
		break;
	default:
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	if (n < 0 || (size_t)n >= sizeof(name))
		return TEEC_ERROR_BAD_PARAMETERS;
	if (!sim_uuid_v5(&client_ns, name, (size_t)n, out))
		return TEEC_ERROR_OUT_OF_MEMORY;
	return TEEC_SUCCESS;
}
