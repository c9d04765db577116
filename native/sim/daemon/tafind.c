/* TA discovery: <uuid>.ta in each directory of the colon-separated path. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sim_uuid.h"
#include "simd.h"

bool d_find_ta(const struct sim_uuid *uuid, char *out, size_t cap)
{
	char name[SIM_UUID_STR_LEN];
	const char *p = d_cfg.ta_path;

	sim_uuid_to_str(uuid, name);
	while (*p) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		struct stat st;
		int n;

		if (len > 0 && len < 4096) {
			n = snprintf(out, cap, "%.*s/%s.ta", (int)len, p, name);
			if (n > 0 && (size_t)n < cap && stat(out, &st) == 0 && S_ISREG(st.st_mode))
				return true;
		}
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}
