/* Client identities and the properties a TA reads. */
#include <grp.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf_helpers.h"
#include "tests.h"

/* UUIDv5 (SHA-1) of name in the Linux TEE client namespace, RFC 4122 octets. */
static void tee_client_uuid(const char *name, uint8_t out[16])
{
	static const uint8_t ns[16] = { 0x58, 0xac, 0x9c, 0xa0, 0x20, 0x86, 0x46, 0x83,
					0xa1, 0xb8, 0xec, 0x4b, 0xc0, 0x8e, 0x01, 0xb6 };
	uint8_t msg[16 + 4200], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t n = strlen(name);

	memset(out, 0, 16);
	if (n > sizeof(msg) - 16)
		return;
	memcpy(msg, ns, 16);
	memcpy(msg + 16, name, n);
	if (EVP_Digest(msg, 16 + n, md, &mdlen, EVP_sha1(), NULL) != 1 || mdlen < 16)
		return;
	memcpy(out, md, 16);
	out[6] = (uint8_t)((out[6] & 0x0F) | 0x50);
	out[8] = (uint8_t)((out[8] & 0x3F) | 0x80);
}

static TEEC_Result get_identity(TEEC_Session *s, uint32_t *login, uint8_t uuid[16])
{
	TEEC_Operation op;
	uint32_t origin;
	TEEC_Result r;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].value.a = 0xFFFFFFFF;
	op.params[1].tmpref.buffer = uuid;
	op.params[1].tmpref.size = 16;
	r = TEEC_InvokeCommand(s, CONF_CMD_GET_IDENTITY, &op, &origin);
	*login = op.params[0].value.a;
	if (r == TEEC_SUCCESS && op.params[1].tmpref.size != 16)
		return TEEC_ERROR_GENERIC;
	return r;
}

static void check_login(uint32_t method, const void *data, uint32_t want_login,
			const uint8_t want_uuid[16])
{
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t origin = 0, login = 0;
	uint8_t uuid[16];

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	if (TEEC_OpenSession(&ctx, &s, &conf_uuid, method, data, NULL, &origin) != TEEC_SUCCESS) {
		TEEC_FinalizeContext(&ctx);
		REQUIRE(false);
	}
	memset(uuid, 0xEE, sizeof(uuid));
	CHECK_HEX(get_identity(&s, &login, uuid), TEEC_SUCCESS);
	CHECK_HEX(login, want_login);
	CHECK(memcmp(uuid, want_uuid, 16) == 0);
	h_close_context_session(&ctx, &s);
}

void t_identity_public(void)
{
	static const uint8_t nil[16] = { 0 };

	check_login(TEEC_LOGIN_PUBLIC, NULL, TEEC_LOGIN_PUBLIC, nil);
}

void t_identity_user(void)
{
	char name[32];
	uint8_t want[16];

	snprintf(name, sizeof(name), "uid=%x", (unsigned)geteuid());
	tee_client_uuid(name, want);
	check_login(TEEC_LOGIN_USER, NULL, TEEC_LOGIN_USER, want);
}

void t_identity_group(void)
{
	char name[32];
	uint8_t want[16];
	gid_t gid = getegid();

	snprintf(name, sizeof(name), "gid=%x", (unsigned)gid);
	tee_client_uuid(name, want);
	check_login(TEEC_LOGIN_GROUP, &gid, TEEC_LOGIN_GROUP, want);
}

void t_identity_application(void)
{
	char exe[4096], name[4200];
	uint8_t want[16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	REQUIRE(n > 0);
	exe[n] = '\0';
	/* The client executable identifies the application (Linux: app=<path>). */
	snprintf(name, sizeof(name), "app=%s", exe);
	tee_client_uuid(name, want);
	check_login(TEEC_LOGIN_APPLICATION, NULL, TEEC_LOGIN_APPLICATION, want);
}

/* A gid this process is not a member of. */
static bool foreign_gid(gid_t *out)
{
	gid_t groups[256];
	int n = getgroups(256, groups);

	if (n < 0)
		return false;
	for (gid_t g = 12345; g < 12345 + 1000; g++) {
		bool mine = g == getegid() || g == getgid();

		for (int i = 0; i < n; i++)
			mine = mine || groups[i] == g;
		if (!mine) {
			*out = g;
			return true;
		}
	}
	return false;
}

void t_identity_group_refused(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t origin = 0;
	gid_t gid;
	TEEC_Result r;

	REQUIRE(foreign_gid(&gid));
	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	r = TEEC_OpenSession(&ctx, &s, &conf_uuid, TEEC_LOGIN_GROUP, &gid, NULL, &origin);
	CHECK_HEX(r, TEEC_ERROR_ACCESS_DENIED);
	if (r == TEEC_SUCCESS)
		TEEC_CloseSession(&s);
	/* GROUP without its gid is a caller error. */
	r = TEEC_OpenSession(&ctx, &s, &conf_uuid, TEEC_LOGIN_GROUP, NULL, NULL, &origin);
	CHECK_RES(r, origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	if (r == TEEC_SUCCESS)
		TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&ctx);
}

/* ---- properties ---- */

static TEEC_Result get_prop(TEEC_Session *s, uint32_t set, uint32_t kind, const char *name,
			    void *buf, size_t *len, uint32_t *a, uint32_t *b, uint32_t *origin)
{
	TEEC_Operation op;
	TEEC_Result r;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_OUTPUT);
	op.params[0].value.a = set;
	op.params[0].value.b = kind;
	op.params[1].tmpref.buffer = (void *)name;
	op.params[1].tmpref.size = strlen(name);
	op.params[2].tmpref.buffer = buf;
	op.params[2].tmpref.size = len ? *len : 0;
	r = TEEC_InvokeCommand(s, CONF_CMD_GET_PROPERTY, &op, origin);
	if (len)
		*len = op.params[2].tmpref.size;
	if (a)
		*a = op.params[3].value.a;
	if (b)
		*b = op.params[3].value.b;
	return r;
}

static void uuid_octets(const TEEC_UUID *u, uint8_t out[16])
{
	out[0] = (uint8_t)(u->timeLow >> 24);
	out[1] = (uint8_t)(u->timeLow >> 16);
	out[2] = (uint8_t)(u->timeLow >> 8);
	out[3] = (uint8_t)u->timeLow;
	out[4] = (uint8_t)(u->timeMid >> 8);
	out[5] = (uint8_t)u->timeMid;
	out[6] = (uint8_t)(u->timeHiAndVersion >> 8);
	out[7] = (uint8_t)u->timeHiAndVersion;
	memcpy(out + 8, u->clockSeqAndNode, 8);
}

/* Flags and identity of one TA variant, read through its properties. */
static void check_ta_flags(const TEEC_UUID *uuid, bool si, bool ms, bool ka)
{
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t a = 0, origin = 0;
	uint8_t got[16], want[16];
	size_t len = sizeof(got);

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	if (h_open(&ctx, &s, uuid, NULL) != TEEC_SUCCESS) {
		TEEC_FinalizeContext(&ctx);
		REQUIRE(false);
	}
	CHECK_HEX(get_prop(&s, CONF_PROPSET_CURRENT_TA, CONF_PROP_AS_BOOL, "gpd.ta.singleInstance",
			   NULL, NULL, &a, NULL, &origin), TEEC_SUCCESS);
	CHECK_HEX(a, si);
	CHECK_HEX(get_prop(&s, CONF_PROPSET_CURRENT_TA, CONF_PROP_AS_BOOL, "gpd.ta.multiSession",
			   NULL, NULL, &a, NULL, &origin), TEEC_SUCCESS);
	CHECK_HEX(a, ms);
	CHECK_HEX(get_prop(&s, CONF_PROPSET_CURRENT_TA, CONF_PROP_AS_BOOL,
			   "gpd.ta.instanceKeepAlive", NULL, NULL, &a, NULL, &origin), TEEC_SUCCESS);
	CHECK_HEX(a, ka);
	CHECK_HEX(get_prop(&s, CONF_PROPSET_CURRENT_TA, CONF_PROP_AS_UUID, "gpd.ta.appID",
			   got, &len, NULL, NULL, &origin), TEEC_SUCCESS);
	uuid_octets(uuid, want);
	CHECK(len == 16 && memcmp(got, want, 16) == 0);
	h_close_context_session(&ctx, &s);
}

void t_ta_properties(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t a = 0, b = 0, origin = 0;
	char str[128];
	size_t len;

	check_ta_flags(&conf_uuid, false, false, false);
	check_ta_flags(&conf_si_uuid, true, false, false);
	check_ta_flags(&conf_sims_uuid, true, true, false);
	check_ta_flags(&conf_ka_uuid, true, true, true);

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	CHECK_HEX(get_prop(&s, CONF_PROPSET_CURRENT_TA, CONF_PROP_AS_U32, "gpd.ta.dataSize",
			   NULL, NULL, &a, NULL, &origin), TEEC_SUCCESS);
	CHECK_HEX(a, CONF_TA_DATA_SIZE);
	CHECK_HEX(get_prop(&s, CONF_PROPSET_CURRENT_TA, CONF_PROP_AS_U32, "gpd.ta.stackSize",
			   NULL, NULL, &a, NULL, &origin), TEEC_SUCCESS);
	CHECK_HEX(a, 64 * 1024);
	len = sizeof(str);
	CHECK_HEX(get_prop(&s, CONF_PROPSET_CURRENT_TA, CONF_PROP_AS_STRING, "gpd.ta.version",
			   str, &len, NULL, NULL, &origin), TEEC_SUCCESS);
	CHECK(len == strlen(CONF_TA_VERSION) + 1 && strcmp(str, CONF_TA_VERSION) == 0);
	len = sizeof(str);
	CHECK_HEX(get_prop(&s, CONF_PROPSET_CURRENT_TA, CONF_PROP_AS_STRING, "gpd.ta.description",
			   str, &len, NULL, NULL, &origin), TEEC_SUCCESS);
	CHECK(strcmp(str, CONF_TA_DESCRIPTION) == 0);
	len = sizeof(str);
	CHECK_HEX(get_prop(&s, CONF_PROPSET_CURRENT_TA, CONF_PROP_AS_STRING,
			   CONF_TA_EXT_STRING_NAME, str, &len, NULL, NULL, &origin), TEEC_SUCCESS);
	CHECK(strcmp(str, CONF_TA_EXT_STRING_VALUE) == 0);
	CHECK_HEX(get_prop(&s, CONF_PROPSET_CURRENT_TA, CONF_PROP_AS_U32, CONF_TA_EXT_U32_NAME,
			   NULL, NULL, &a, NULL, &origin), TEEC_SUCCESS);
	CHECK_HEX(a, CONF_TA_EXT_U32_VALUE);
	/* A number reads as a string too, and a short buffer reports its need. */
	len = 2;
	CHECK_RES(get_prop(&s, CONF_PROPSET_CURRENT_TA, CONF_PROP_AS_STRING, "gpd.ta.dataSize",
			   str, &len, NULL, NULL, &origin), origin, TEEC_ERROR_SHORT_BUFFER,
		  TEEC_ORIGIN_TRUSTED_APP);
	CHECK_HEX(len, 7); /* "262144" + NUL */
	CHECK_RES(get_prop(&s, CONF_PROPSET_CURRENT_TA, CONF_PROP_AS_U32, "no.such.property",
			   NULL, NULL, &a, NULL, &origin), origin, TEEC_ERROR_ITEM_NOT_FOUND,
		  TEEC_ORIGIN_TRUSTED_APP);
	CHECK_HEX(get_prop(&s, CONF_PROPSET_CURRENT_TA, CONF_PROP_AS_BOOL, "gpd.ta.description",
			   NULL, NULL, &a, NULL, &origin), TEEC_ERROR_BAD_FORMAT);
	/* Client and TEE sets. */
	CHECK_HEX(get_prop(&s, CONF_PROPSET_CURRENT_CLIENT, CONF_PROP_AS_U32, "gpd.client.endian",
			   NULL, NULL, &a, &b, &origin), TEEC_SUCCESS);
	CHECK_HEX(a, 0);
	len = sizeof(str);
	CHECK_HEX(get_prop(&s, CONF_PROPSET_CURRENT_CLIENT, CONF_PROP_AS_IDENTITY,
			   "gpd.client.identity", str, &len, &a, NULL, &origin), TEEC_SUCCESS);
	CHECK_HEX(a, TEEC_LOGIN_PUBLIC);
	len = sizeof(str);
	CHECK_HEX(get_prop(&s, CONF_PROPSET_TEE_IMPLEMENTATION, CONF_PROP_AS_STRING,
			   "gpd.tee.apiversion", str, &len, NULL, NULL, &origin), TEEC_SUCCESS);
	CHECK(len > 1 && strlen(str) == len - 1);
	len = sizeof(str);
	CHECK_HEX(get_prop(&s, CONF_PROPSET_TEE_IMPLEMENTATION, CONF_PROP_AS_UUID,
			   "gpd.tee.deviceID", str, &len, NULL, NULL, &origin), TEEC_SUCCESS);
	h_close_context_session(&ctx, &s);
}

void t_property_enumeration(void)
{
	static const char *const want[] = {
		"gpd.ta.appID", "gpd.ta.singleInstance", "gpd.ta.multiSession",
		"gpd.ta.instanceKeepAlive", "gpd.ta.dataSize", "gpd.ta.stackSize",
		"gpd.ta.version", "gpd.ta.description", CONF_TA_EXT_STRING_NAME,
		CONF_TA_EXT_U32_NAME,
	};
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	char list[1024], line[130];
	uint32_t origin = 0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].value.a = CONF_PROPSET_CURRENT_TA;
	op.params[1].tmpref.buffer = list;
	op.params[1].tmpref.size = 8;
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_LIST_PROPERTIES, &op, &origin), origin,
		  TEEC_ERROR_SHORT_BUFFER, TEEC_ORIGIN_TRUSTED_APP);
	REQUIRE(op.params[1].tmpref.size > 8 && op.params[1].tmpref.size < sizeof(list));
	op.params[1].tmpref.size = sizeof(list) - 1;
	CHECK_HEX(TEEC_InvokeCommand(&s, CONF_CMD_LIST_PROPERTIES, &op, &origin), TEEC_SUCCESS);
	REQUIRE(op.params[1].tmpref.size < sizeof(list));
	list[op.params[1].tmpref.size] = '\0';
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(line, sizeof(line), "%s\n", want[i]);
		if (!strstr(list, line))
			h_fail(__FILE__, __LINE__, "property %s not enumerated", want[i]);
	}
	h_close_context_session(&ctx, &s);
}
