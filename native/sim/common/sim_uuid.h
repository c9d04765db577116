/* UUID text form and RFC 4122 version-5 UUIDs in the sim_uuid layout. */
#ifndef SIM_UUID_H
#define SIM_UUID_H

#include <stdbool.h>
#include <stddef.h>

#include "sim_proto.h"

#define SIM_UUID_STR_LEN 37 /* 36 characters and the NUL */

/* Lower-case canonical text, e.g. 123e4567-e89b-12d3-a456-426655440000. */
void sim_uuid_to_str(const struct sim_uuid *u, char out[SIM_UUID_STR_LEN]);

/* Parses the canonical text form (either case). */
bool sim_uuid_from_str(const char *s, struct sim_uuid *u);

/* Version-5 UUID of `name` (len bytes, no NUL) in namespace `ns`; false if out of memory. */
bool sim_uuid_v5(const struct sim_uuid *ns, const void *name, size_t len, struct sim_uuid *out);

#endif
