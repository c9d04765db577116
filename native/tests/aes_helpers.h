/* Shortcuts for driving the aes_stream TA from the C tests (and vectors). */
#ifndef AES_HELPERS_H
#define AES_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "aes_stream_client.h"

static const TEEC_UUID aes_uuid = AES_STREAM_TA_UUID;

/* A context and a session on the aes_stream TA; false on failure (nothing
 * left open). h_close_context_session closes them. */
bool aes_open(TEEC_Context *ctx, TEEC_Session *s);

/* Decodes hex into out (at most cap bytes); returns the length. */
size_t aes_unhex(const char *hex, uint8_t *out, size_t cap);

/* Fills p with n pseudo-random bytes from seed (reproducible). */
void aes_fill(uint8_t *p, size_t n, uint32_t seed);

#endif
