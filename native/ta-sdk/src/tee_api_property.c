/*
 * Property sets: TEE_GetPropertyAs*, enumerators.
 *
 * A property set is read as an indexed list (prop_at), built on the fly from
 * the TA header, the session's client identity and the simulator's own
 * constants, so nothing needs initialising and nothing can go stale.
 * Conversions follow GP: every property reads as a string; a string property
 * converts to another kind when its text has that kind's form.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tee_internal_api.h"
#include "tee_sim_runtime.h"
#include "user_ta_header.h"

enum prop_kind { K_BOOL, K_U32, K_U64, K_UUID, K_IDENTITY, K_STRING, K_BINARY };

struct prop {
	const char *name;
	enum prop_kind kind;
	bool b;
	uint32_t u32;
	uint64_t u64;
	TEE_UUID uuid;
	TEE_Identity id;
	const char *str; /* K_STRING text, K_BINARY base64 text */
};

/* ---- The three sets ---- */

/* Fixed identity of the simulated TEE (no hardware to derive one from). */
static const TEE_UUID tee_device_id = {
	0x7278ee00, 0x7465, 0x4573, { 0x8d, 0x69, 0x6d, 0x75, 0x6c, 0x61, 0x74, 0x6f }
};

static bool ta_prop_at(size_t i, struct prop *p)
{
	const struct tee_sim_ta_head *h = tee_sim_rt_ta_head();
	size_t n_fixed = 6;

	if (!h)
		return false;
	memset(p, 0, sizeof(*p));
	switch (i) {
	case 0: p->name = "gpd.ta.appID"; p->kind = K_UUID; p->uuid = h->uuid; return true;
	case 1: p->name = "gpd.ta.singleInstance"; p->kind = K_BOOL;
		p->b = (h->flags & TA_FLAG_SINGLE_INSTANCE) != 0; return true;
	case 2: p->name = "gpd.ta.multiSession"; p->kind = K_BOOL;
		p->b = (h->flags & TA_FLAG_MULTI_SESSION) != 0; return true;
	case 3: p->name = "gpd.ta.instanceKeepAlive"; p->kind = K_BOOL;
		p->b = (h->flags & TA_FLAG_INSTANCE_KEEP_ALIVE) != 0; return true;
	case 4: p->name = "gpd.ta.dataSize"; p->kind = K_U32; p->u32 = h->data_size; return true;
	case 5: p->name = "gpd.ta.stackSize"; p->kind = K_U32; p->u32 = h->stack_size; return true;
	default: break;
	}
	/* Optional strings take the next slots only when the TA defines them. */
	if (h->version) {
		if (i == n_fixed) {
			p->name = "gpd.ta.version"; p->kind = K_STRING; p->str = h->version;
			return true;
		}
		n_fixed++;
	}
	if (h->description) {
		if (i == n_fixed) {
			p->name = "gpd.ta.description"; p->kind = K_STRING; p->str = h->description;
			return true;
		}
		n_fixed++;
	}
	if (i - n_fixed >= h->num_ext_props || !h->ext_props)
		return false;
	const struct tee_sim_ta_property *e = &h->ext_props[i - n_fixed];

	if (!e->name || !e->value)
		return false;
	p->name = e->name;
	switch (e->type) {
	case TEE_SIM_PROP_BOOL: p->kind = K_BOOL; p->b = *(const bool *)e->value; break;
	case TEE_SIM_PROP_U32: p->kind = K_U32; p->u32 = *(const uint32_t *)e->value; break;
	case TEE_SIM_PROP_U64: p->kind = K_U64; p->u64 = *(const uint64_t *)e->value; break;
	case TEE_SIM_PROP_UUID: p->kind = K_UUID; p->uuid = *(const TEE_UUID *)e->value; break;
	case TEE_SIM_PROP_IDENTITY: p->kind = K_IDENTITY; p->id = *(const TEE_Identity *)e->value; break;
	case TEE_SIM_PROP_STRING: p->kind = K_STRING; p->str = e->value; break;
	case TEE_SIM_PROP_BINARY: p->kind = K_BINARY; p->str = e->value; break;
	default: return false;
	}
	return true;
}

static bool client_prop_at(size_t i, struct prop *p)
{
	const TEE_Identity *id = tee_sim_rt_client_identity();

	/* No client inside TA_CreateEntryPoint / TA_DestroyEntryPoint. */
	if (!id)
		return false;
	memset(p, 0, sizeof(*p));
	switch (i) {
	case 0: p->name = "gpd.client.identity"; p->kind = K_IDENTITY; p->id = *id; return true;
	case 1: p->name = "gpd.client.endian"; p->kind = K_U32;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		p->u32 = 1;
#else
		p->u32 = 0;
#endif
		return true;
	default: return false;
	}
}

static bool tee_prop_at(size_t i, struct prop *p)
{
	memset(p, 0, sizeof(*p));
	switch (i) {
	case 0: p->name = "gpd.tee.apiversion"; p->kind = K_STRING; p->str = "1.1.2"; return true;
	case 1: p->name = "gpd.tee.internalCore.version"; p->kind = K_U32; p->u32 = 0x01010200; return true;
	case 2: p->name = "gpd.tee.description"; p->kind = K_STRING;
		p->str = "rx-teec TEE simulator"; return true;
	case 3: p->name = "gpd.tee.deviceID"; p->kind = K_UUID; p->uuid = tee_device_id; return true;
	case 4: p->name = "gpd.tee.systemTime.protectionLevel"; p->kind = K_U32; p->u32 = 100; return true;
	case 5: p->name = "gpd.tee.TAPersistentTime.protectionLevel"; p->kind = K_U32; p->u32 = 100; return true;
	case 6: p->name = "gpd.tee.arith.maxBigIntSize"; p->kind = K_U32; p->u32 = 2048; return true;
	case 7: p->name = "gpd.tee.cryptography.ecc"; p->kind = K_BOOL; p->b = false; return true;
	case 8: p->name = "gpd.tee.trustedStorage.antiRollback.protectionLevel"; p->kind = K_U32;
		p->u32 = 0; return true;
	case 9: p->name = "gpd.tee.trustedos.manufacturer"; p->kind = K_STRING; p->str = "rx-teec"; return true;
	case 10: p->name = "gpd.tee.firmware.manufacturer"; p->kind = K_STRING; p->str = "rx-teec"; return true;
	default: return false;
	}
}

static bool is_pseudo_set(TEE_PropSetHandle h)
{
	return h == TEE_PROPSET_CURRENT_TA || h == TEE_PROPSET_CURRENT_CLIENT ||
	       h == TEE_PROPSET_TEE_IMPLEMENTATION;
}

static bool set_prop_at(TEE_PropSetHandle set, size_t i, struct prop *p)
{
	if (set == TEE_PROPSET_CURRENT_TA)
		return ta_prop_at(i, p);
	if (set == TEE_PROPSET_CURRENT_CLIENT)
		return client_prop_at(i, p);
	if (set == TEE_PROPSET_TEE_IMPLEMENTATION)
		return tee_prop_at(i, p);
	return false;
}

/* ---- Enumerators ---- */

struct prop_enum {
	struct prop_enum *next;
	TEE_PropSetHandle set; /* NULL until started */
	size_t index;
};

/* Live enumerators, so that a bad handle is recognised instead of dereferenced. */
static pthread_mutex_t enum_lock = PTHREAD_MUTEX_INITIALIZER;
static struct prop_enum *enum_head;

static struct prop_enum *enum_lookup(TEE_PropSetHandle h)
{
	struct prop_enum *e;

	pthread_mutex_lock(&enum_lock);
	for (e = enum_head; e; e = e->next)
		if ((TEE_PropSetHandle)e == h)
			break;
	pthread_mutex_unlock(&enum_lock);
	return e;
}

TEE_Result TEE_AllocatePropertyEnumerator(TEE_PropSetHandle *enumerator)
{
	struct prop_enum *e;

	if (!enumerator)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	e = calloc(1, sizeof(*e));
	if (!e)
		return TEE_ERROR_OUT_OF_MEMORY;
	pthread_mutex_lock(&enum_lock);
	e->next = enum_head;
	enum_head = e;
	pthread_mutex_unlock(&enum_lock);
	*enumerator = (TEE_PropSetHandle)e;
	return TEE_SUCCESS;
}

void TEE_FreePropertyEnumerator(TEE_PropSetHandle enumerator)
{
	struct prop_enum **pp, *found = NULL;

	if (!enumerator)
		return;
	pthread_mutex_lock(&enum_lock);
	for (pp = &enum_head; *pp; pp = &(*pp)->next) {
		if ((TEE_PropSetHandle)*pp == enumerator) {
			found = *pp;
			*pp = found->next;
			break;
		}
	}
	pthread_mutex_unlock(&enum_lock);
	if (!found)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	free(found);
}

void TEE_StartPropertyEnumerator(TEE_PropSetHandle enumerator, TEE_PropSetHandle propSet)
{
	struct prop_enum *e = enum_lookup(enumerator);

	if (!e || !is_pseudo_set(propSet))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	e->set = propSet;
	e->index = 0;
}

void TEE_ResetPropertyEnumerator(TEE_PropSetHandle enumerator)
{
	struct prop_enum *e = enum_lookup(enumerator);

	if (!e)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	e->set = NULL;
	e->index = 0;
}

/* The property an enumerator points at; ITEM_NOT_FOUND past the end or unstarted. */
static TEE_Result enum_current(struct prop_enum *e, struct prop *p)
{
	if (!e->set || !set_prop_at(e->set, e->index, p))
		return TEE_ERROR_ITEM_NOT_FOUND;
	return TEE_SUCCESS;
}

TEE_Result TEE_GetPropertyName(TEE_PropSetHandle enumerator, void *nameBuffer,
			       size_t *nameBufferLen)
{
	struct prop_enum *e = enum_lookup(enumerator);
	struct prop p;
	TEE_Result res;
	size_t need;

	if (!e || !nameBufferLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	res = enum_current(e, &p);
	if (res != TEE_SUCCESS)
		return res;
	need = strlen(p.name) + 1;
	if (!nameBuffer || *nameBufferLen < need) {
		*nameBufferLen = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	memcpy(nameBuffer, p.name, need);
	*nameBufferLen = need;
	return TEE_SUCCESS;
}

TEE_Result TEE_GetNextProperty(TEE_PropSetHandle enumerator)
{
	struct prop_enum *e = enum_lookup(enumerator);
	struct prop p;

	if (!e)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (!e->set)
		return TEE_ERROR_ITEM_NOT_FOUND;
	if (!set_prop_at(e->set, e->index, &p))
		return TEE_ERROR_ITEM_NOT_FOUND;
	e->index++;
	if (!set_prop_at(e->set, e->index, &p))
		return TEE_ERROR_ITEM_NOT_FOUND;
	return TEE_SUCCESS;
}

/* ---- Lookup ---- */

/*
 * Finds the property named `name` in a pseudo set, or the enumerator's
 * current property when given an enumerator (name is then ignored, as GP says).
 */
static TEE_Result find_prop(TEE_PropSetHandle h, const char *name, struct prop *p)
{
	struct prop_enum *e;

	if (is_pseudo_set(h)) {
		if (!name)
			TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
		for (size_t i = 0; set_prop_at(h, i, p); i++)
			if (strcmp(p->name, name) == 0)
				return TEE_SUCCESS;
		return TEE_ERROR_ITEM_NOT_FOUND;
	}
	e = enum_lookup(h);
	if (!e)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	return enum_current(e, p);
}

/* ---- Text forms ---- */

static void uuid_to_str(const TEE_UUID *u, char out[37])
{
	snprintf(out, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u->timeLow, u->timeMid, u->timeHiAndVersion,
		 u->clockSeqAndNode[0], u->clockSeqAndNode[1], u->clockSeqAndNode[2],
		 u->clockSeqAndNode[3], u->clockSeqAndNode[4], u->clockSeqAndNode[5],
		 u->clockSeqAndNode[6], u->clockSeqAndNode[7]);
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

/* Parses exactly n hex digits. */
static bool parse_hex(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		int d = hexval(s[i]);

		if (d < 0)
			return false;
		v = (v << 4) | (uint64_t)d;
	}
	*out = v;
	return true;
}

static bool str_to_uuid(const char *s, TEE_UUID *u)
{
	uint64_t v;

	if (strlen(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return false;
	if (!parse_hex(s, 8, &v))
		return false;
	u->timeLow = (uint32_t)v;
	if (!parse_hex(s + 9, 4, &v))
		return false;
	u->timeMid = (uint16_t)v;
	if (!parse_hex(s + 14, 4, &v))
		return false;
	u->timeHiAndVersion = (uint16_t)v;
	for (size_t i = 0; i < 8; i++) {
		const char *d = i < 2 ? s + 19 + 2 * i : s + 24 + 2 * (i - 2);

		if (!parse_hex(d, 2, &v))
			return false;
		u->clockSeqAndNode[i] = (uint8_t)v;
	}
	return true;
}

/* Decimal or 0x-prefixed hexadecimal, whole string, no overflow past max. */
static bool str_to_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return false;
	for (; *s; s++) {
		int d = hexval(*s);

		if (d < 0 || (unsigned)d >= base)
			return false;
		if (v > (max - (uint64_t)d) / base)
			return false;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return true;
}

/* "login:uuid", login decimal or 0x hex. */
static bool str_to_identity(const char *s, TEE_Identity *id)
{
	const char *colon = strchr(s, ':');
	char login[16];
	uint64_t v;
	size_t n;

	if (!colon)
		return false;
	n = (size_t)(colon - s);
	if (n == 0 || n >= sizeof(login))
		return false;
	memcpy(login, s, n);
	login[n] = '\0';
	if (!str_to_u64(login, UINT32_MAX, &v))
		return false;
	id->login = (uint32_t)v;
	return str_to_uuid(colon + 1, &id->uuid);
}

/* Writes the text form of p into out (size cap); returns the length without NUL. */
static size_t prop_to_text(const struct prop *p, char *out, size_t cap)
{
	char u[37];
	int n;

	switch (p->kind) {
	case K_BOOL: n = snprintf(out, cap, "%s", p->b ? "true" : "false"); break;
	case K_U32: n = snprintf(out, cap, "%u", (unsigned)p->u32); break;
	case K_U64: n = snprintf(out, cap, "%llu", (unsigned long long)p->u64); break;
	case K_UUID: uuid_to_str(&p->uuid, u); n = snprintf(out, cap, "%s", u); break;
	case K_IDENTITY:
		uuid_to_str(&p->id.uuid, u);
		n = snprintf(out, cap, "%u:%s", (unsigned)p->id.login, u);
		break;
	default: n = snprintf(out, cap, "%s", p->str); break;
	}
	return n < 0 ? 0 : (size_t)n;
}

/* ---- Base64 (binary block properties are stored as base64 text) ---- */

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decodes base64 text into out (out may be NULL to only measure).
 * Returns false on malformed text; *len is the decoded length.
 */
static bool b64_decode(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	bool pad = false;

	for (; *s; s++) {
		int v;

		if (*s == '=') {
			pad = true;
			continue;
		}
		if (pad)
			return false; /* data after padding */
		v = b64val(*s);
		if (v < 0)
			return false;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (out && n < cap)
				out[n] = (uint8_t)(acc >> bits);
			n++;
			acc &= (1u << bits) - 1;
		}
	}
	*len = n;
	return true;
}

/* ---- Public getters ---- */

TEE_Result TEE_GetPropertyAsString(TEE_PropSetHandle propsetOrEnumerator, const char *name,
				   char *valueBuffer, size_t *valueBufferLen)
{
	struct prop p;
	TEE_Result res;
	size_t need;
	char small[1];

	if (!valueBufferLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	res = find_prop(propsetOrEnumerator, name, &p);
	if (res != TEE_SUCCESS)
		return res;
	need = prop_to_text(&p, small, sizeof(small)) + 1;
	if (!valueBuffer || *valueBufferLen < need) {
		*valueBufferLen = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	(void)prop_to_text(&p, valueBuffer, need);
	*valueBufferLen = need;
	return TEE_SUCCESS;
}

TEE_Result TEE_GetPropertyAsBool(TEE_PropSetHandle propsetOrEnumerator, const char *name,
				 bool *value)
{
	struct prop p;
	TEE_Result res;

	if (!value)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	res = find_prop(propsetOrEnumerator, name, &p);
	if (res != TEE_SUCCESS)
		return res;
	if (p.kind == K_BOOL) {
		*value = p.b;
		return TEE_SUCCESS;
	}
	if (p.kind == K_STRING && strcasecmp(p.str, "true") == 0) {
		*value = true;
		return TEE_SUCCESS;
	}
	if (p.kind == K_STRING && strcasecmp(p.str, "false") == 0) {
		*value = false;
		return TEE_SUCCESS;
	}
	return TEE_ERROR_BAD_FORMAT;
}

static TEE_Result get_integer(TEE_PropSetHandle h, const char *name, uint64_t max, uint64_t *v)
{
	struct prop p;
	TEE_Result res = find_prop(h, name, &p);

	if (res != TEE_SUCCESS)
		return res;
	if (p.kind == K_U32) {
		*v = p.u32;
		return TEE_SUCCESS;
	}
	if (p.kind == K_U64 && p.u64 <= max) {
		*v = p.u64;
		return TEE_SUCCESS;
	}
	if (p.kind == K_STRING && str_to_u64(p.str, max, v))
		return TEE_SUCCESS;
	return TEE_ERROR_BAD_FORMAT;
}

TEE_Result TEE_GetPropertyAsU32(TEE_PropSetHandle propsetOrEnumerator, const char *name,
				uint32_t *value)
{
	uint64_t v;
	TEE_Result res;

	if (!value)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	res = get_integer(propsetOrEnumerator, name, UINT32_MAX, &v);
	if (res == TEE_SUCCESS)
		*value = (uint32_t)v;
	return res;
}

TEE_Result TEE_GetPropertyAsU64(TEE_PropSetHandle propsetOrEnumerator, const char *name,
				uint64_t *value)
{
	if (!value)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	return get_integer(propsetOrEnumerator, name, UINT64_MAX, value);
}

TEE_Result TEE_GetPropertyAsBinaryBlock(TEE_PropSetHandle propsetOrEnumerator, const char *name,
					void *valueBuffer, size_t *valueBufferLen)
{
	struct prop p;
	TEE_Result res;
	size_t need;

	if (!valueBufferLen)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	res = find_prop(propsetOrEnumerator, name, &p);
	if (res != TEE_SUCCESS)
		return res;
	/* Binary blocks and strings holding base64 both decode. */
	if ((p.kind != K_BINARY && p.kind != K_STRING) || !b64_decode(p.str, NULL, 0, &need))
		return TEE_ERROR_BAD_FORMAT;
	if (!valueBuffer || *valueBufferLen < need) {
		*valueBufferLen = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	(void)b64_decode(p.str, valueBuffer, need, &need);
	*valueBufferLen = need;
	return TEE_SUCCESS;
}

TEE_Result TEE_GetPropertyAsUUID(TEE_PropSetHandle propsetOrEnumerator, const char *name,
				 TEE_UUID *value)
{
	struct prop p;
	TEE_Result res;

	if (!value)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	res = find_prop(propsetOrEnumerator, name, &p);
	if (res != TEE_SUCCESS)
		return res;
	if (p.kind == K_UUID) {
		*value = p.uuid;
		return TEE_SUCCESS;
	}
	if (p.kind == K_STRING && str_to_uuid(p.str, value))
		return TEE_SUCCESS;
	return TEE_ERROR_BAD_FORMAT;
}

TEE_Result TEE_GetPropertyAsIdentity(TEE_PropSetHandle propsetOrEnumerator, const char *name,
				     TEE_Identity *value)
{
	struct prop p;
	TEE_Result res;

	if (!value)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	res = find_prop(propsetOrEnumerator, name, &p);
	if (res != TEE_SUCCESS)
		return res;
	if (p.kind == K_IDENTITY) {
		*value = p.id;
		return TEE_SUCCESS;
	}
	if (p.kind == K_STRING && str_to_identity(p.str, value))
		return TEE_SUCCESS;
	return TEE_ERROR_BAD_FORMAT;
}
