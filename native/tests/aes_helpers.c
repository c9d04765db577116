/* Helpers for the aes_stream TA tests (see aes_helpers.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aes_helpers.h"
#include "harness.h"

bool aes_open(TEEC_Context *ctx, TEEC_Session *s)
{
	return h_open_context_session(ctx, s, &aes_uuid);
}

size_t aes_unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex) / 2;

	if (n > cap)
		abort();
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			abort();
		out[i] = (uint8_t)v;
	}
	return n;
}

void aes_fill(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		/* xorshift32: cheap and good enough for test data. */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)(x >> 24);
	}
}
