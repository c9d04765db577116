/* SHA-1 (FIPS 180-4), only for name-based UUIDs (RFC 4122 version 5). */
#ifndef SIM_SHA1_H
#define SIM_SHA1_H

#include <stddef.h>
#include <stdint.h>

void sim_sha1(const void *data, size_t len, uint8_t out[20]);

#endif
