/* UUID helpers: the octet order is the RFC 4122 (big-endian) one. */
#include "sim_uuid.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_sha1.h"

static void to_octets(const struct sim_uuid *u, unsigned char o[16])
{
	o[0] = (unsigned char)(u->time_low >> 24);
	o[1] = (unsigned char)(u->time_low >> 16);
	o[2] = (unsigned char)(u->time_low >> 8);
	o[3] = (unsigned char)u->time_low;
	o[4] = (unsigned char)(u->time_mid >> 8);
	o[5] = (unsigned char)u->time_mid;
	o[6] = (unsigned char)(u->time_hi_and_version >> 8);
	o[7] = (unsigned char)u->time_hi_and_version;
	memcpy(o + 8, u->clock_seq_and_node, 8);
}

static void from_octets(const unsigned char o[16], struct sim_uuid *u)
{
	u->time_low = (uint32_t)o[0] << 24 | (uint32_t)o[1] << 16 | (uint32_t)o[2] << 8 | o[3];
	u->time_mid = (uint16_t)(o[4] << 8 | o[5]);
	u->time_hi_and_version = (uint16_t)(o[6] << 8 | o[7]);
	memcpy(u->clock_seq_and_node, o + 8, 8);
}

void sim_uuid_to_str(const struct sim_uuid *u, char out[SIM_UUID_STR_LEN])
{
	unsigned char o[16];

	to_octets(u, o);
	snprintf(out, SIM_UUID_STR_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11],
		 o[12], o[13], o[14], o[15]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool sim_uuid_from_str(const char *s, struct sim_uuid *u)
{
	unsigned char o[16];
	size_t n = 0;

	if (strlen(s) != 36)
		return false;
	for (size_t i = 0; i < 36;) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			i++;
			continue;
		}
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0 || n >= sizeof(o))
			return false;
		o[n++] = (unsigned char)(hi << 4 | lo);
		i += 2;
	}
	if (n != sizeof(o))
		return false;
	from_octets(o, u);
	return true;
}

bool sim_uuid_v5(const struct sim_uuid *ns, const void *name, size_t len, struct sim_uuid *out)
{
	unsigned char *buf;
	unsigned char o[16];
	uint8_t digest[20];

	if (len > SIZE_MAX - 16)
		return false;
	buf = malloc(16 + len);
	if (!buf)
		return false;
	to_octets(ns, buf);
	if (len)
		memcpy(buf + 16, name, len);
	sim_sha1(buf, 16 + len, digest);
	free(buf);
	memcpy(o, digest, 16);
	o[6] = (unsigned char)((o[6] & 0x0f) | 0x50); /* version 5 */
	o[8] = (unsigned char)((o[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	from_octets(o, out);
	return true;
}
