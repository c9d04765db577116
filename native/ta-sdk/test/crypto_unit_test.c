/*
 * Unit tests of the SDK's GP crypto API (tee_api_crypto_*.c) against the
 * stub runtime: known-answer vectors (NIST SP 800-38A, the GCM spec's test
 * cases, RFC 2202/4231, FIPS 180), GP buffer and state rules, and the panics
 * GP mandates. sdk_unit_test.c runs sdk_crypto_unit_tests() as one entry.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stub_runtime.h"

int sdk_crypto_unit_tests(void);

static int failures;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			printf("    check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                          \
		}                                                                    \
	} while (0)

/* Decodes a hex string into out (at most cap bytes); returns the length. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
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

static bool eq_hex(const uint8_t *p, size_t n, const char *hex)
{
	uint8_t want[256];

	return unhex(hex, want, sizeof(want)) == n && memcmp(p, want, n) == 0;
}

/* Context of the function under test for panics(). */
static TEE_OperationHandle p_op;
static TEE_ObjectHandle p_obj;

/* Runs f and reports whether it called TEE_Panic. */
static bool panics(void (*f)(void))
{
	stub_panic_armed = true;
	if (setjmp(stub_panic_jmp) != 0)
		return true;
	f();
	stub_panic_armed = false;
	return false;
}

/* An AES (or HMAC) key object holding hex; TEE_HANDLE_NULL on failure. */
static TEE_ObjectHandle make_key(uint32_t type, const char *hex)
{
	uint8_t k[128];
	size_t n = unhex(hex, k, sizeof(k));
	TEE_ObjectHandle o = TEE_HANDLE_NULL;
	TEE_Attribute a;

	if (TEE_AllocateTransientObject(type, (uint32_t)n * 8, &o) != TEE_SUCCESS)
		return TEE_HANDLE_NULL;
	TEE_InitRefAttribute(&a, TEE_ATTR_SECRET_VALUE, k, n);
	if (TEE_PopulateTransientObject(o, &a, 1) != TEE_SUCCESS) {
		TEE_FreeTransientObject(o);
		return TEE_HANDLE_NULL;
	}
	return o;
}

/* An operation with the key set; TEE_HANDLE_NULL on failure. */
static TEE_OperationHandle make_op(uint32_t alg, uint32_t mode, uint32_t type, const char *hex)
{
	TEE_ObjectHandle k = make_key(type, hex);
	TEE_OperationHandle op = TEE_HANDLE_NULL;
	TEE_ObjectInfo info;

	if (!k)
		return TEE_HANDLE_NULL;
	TEE_GetObjectInfo1(k, &info);
	if (TEE_AllocateOperation(&op, alg, mode, info.objectSize) != TEE_SUCCESS ||
	    TEE_SetOperationKey(op, k) != TEE_SUCCESS) {
		TEE_FreeOperation(op);
		op = TEE_HANDLE_NULL;
	}
	/* GP: the operation holds its own copy of the key. */
	TEE_FreeTransientObject(k);
	return op;
}

/* ---- ciphers ---- */

static const char ctr_iv[] = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
static const char sp800_38a_pt[] =
	"6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	"30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
static const char k128[] = "2b7e151628aed2a6abf7158809cf4f3c";
static const char k256[] = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
static const char ctr128_ct[] =
	"874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
	"5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee";
static const char ctr256_ct[] =
	"601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
	"2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6";

/* CTR through odd-sized updates, in place, then a final call. */
static void ctr_kat(const char *key, const char *ct)
{
	TEE_OperationHandle op = make_op(TEE_ALG_AES_CTR, TEE_MODE_ENCRYPT, TEE_TYPE_AES, key);
	uint8_t iv[16], buf[64];
	size_t n = unhex(sp800_38a_pt, buf, sizeof(buf)), off = 0, len;
	static const size_t steps[] = { 1, 15, 17, 0, 3 };

	CHECK(op != TEE_HANDLE_NULL);
	if (!op)
		return;
	unhex(ctr_iv, iv, sizeof(iv));
	TEE_CipherInit(op, iv, sizeof(iv));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		len = steps[i];
		CHECK(TEE_CipherUpdate(op, buf + off, steps[i], buf + off, &len) == TEE_SUCCESS);
		CHECK(len == steps[i]);
		off += steps[i];
	}
	len = n - off;
	CHECK(TEE_CipherDoFinal(op, buf + off, n - off, buf + off, &len) == TEE_SUCCESS);
	CHECK(len == n - off);
	CHECK(eq_hex(buf, n, ct));

	/* Decrypting is the same operation from the same counter. */
	TEE_CipherInit(op, iv, sizeof(iv));
	len = sizeof(buf);
	CHECK(TEE_CipherDoFinal(op, buf, n, buf, &len) == TEE_SUCCESS && len == n);
	CHECK(eq_hex(buf, n, sp800_38a_pt));
	TEE_FreeOperation(op);
}

static void test_aes_ctr_kat(void)
{
	ctr_kat(k128, ctr128_ct); /* SP 800-38A F.5.1 */
	ctr_kat(k256, ctr256_ct); /* SP 800-38A F.5.5 */
}

static void test_aes_ecb_cbc(void)
{
	TEE_OperationHandle ecb = make_op(TEE_ALG_AES_ECB_NOPAD, TEE_MODE_ENCRYPT, TEE_TYPE_AES, k128);
	TEE_OperationHandle cbc = make_op(TEE_ALG_AES_CBC_NOPAD, TEE_MODE_ENCRYPT, TEE_TYPE_AES, k128);
	TEE_OperationHandle dec = make_op(TEE_ALG_AES_CBC_NOPAD, TEE_MODE_DECRYPT, TEE_TYPE_AES, k128);
	uint8_t pt[64], buf[64], iv[16];
	size_t n = unhex(sp800_38a_pt, pt, sizeof(pt)), len;

	CHECK(ecb && cbc && dec);
	if (!ecb || !cbc || !dec)
		goto out;
	for (int i = 0; i < 16; i++)
		iv[i] = (uint8_t)i;

	/* ECB, SP 800-38A F.1.1: 5 bytes are held back, then completed. */
	TEE_CipherInit(ecb, NULL, 0);
	len = sizeof(buf);
	CHECK(TEE_CipherUpdate(ecb, pt, 5, buf, &len) == TEE_SUCCESS && len == 0);
	len = 0; /* 5 + 27 = 32 bytes due: too small a buffer first */
	CHECK(TEE_CipherUpdate(ecb, pt + 5, 27, buf, &len) == TEE_ERROR_SHORT_BUFFER && len == 32);
	len = sizeof(buf);
	CHECK(TEE_CipherUpdate(ecb, pt + 5, 27, buf, &len) == TEE_SUCCESS && len == 32);
	CHECK(eq_hex(buf, 32, "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"));
	len = sizeof(buf);
	CHECK(TEE_CipherDoFinal(ecb, pt, 3, buf, &len) == TEE_ERROR_BAD_PARAMETERS);

	/* CBC, SP 800-38A F.2.1, in place with a held-back block (bounce path). */
	memcpy(buf, pt, n);
	TEE_CipherInit(cbc, iv, sizeof(iv));
	len = sizeof(buf);
	CHECK(TEE_CipherUpdate(cbc, buf, 7, buf, &len) == TEE_SUCCESS && len == 0);
	len = sizeof(buf);
	CHECK(TEE_CipherUpdate(cbc, buf + 7, 25, buf, &len) == TEE_SUCCESS && len == 32);
	CHECK(eq_hex(buf, 32, "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"));

	/* Round trip of all four blocks. */
	TEE_CipherInit(cbc, iv, sizeof(iv));
	len = sizeof(buf);
	CHECK(TEE_CipherDoFinal(cbc, pt, n, buf, &len) == TEE_SUCCESS && len == n);
	TEE_CipherInit(dec, iv, sizeof(iv));
	len = sizeof(buf);
	CHECK(TEE_CipherDoFinal(dec, buf, n, buf, &len) == TEE_SUCCESS && len == n);
	CHECK(memcmp(buf, pt, n) == 0);
out:
	TEE_FreeOperation(ecb);
	TEE_FreeOperation(cbc);
	TEE_FreeOperation(dec);
}

/* Large CTR buffers: in place == out of place == OpenSSL one shot, any split. */
static void test_aes_ctr_large(void)
{
	const size_t n = 3 * 1024 * 1024 + 7;
	uint8_t *a = malloc(n), *b = malloc(n), *c = malloc(n), key[16], iv[16];
	TEE_OperationHandle op = make_op(TEE_ALG_AES_CTR, TEE_MODE_DECRYPT, TEE_TYPE_AES, k128);
	EVP_CIPHER_CTX *ref = EVP_CIPHER_CTX_new();
	size_t len, off;
	int outl = 0;

	CHECK(a && b && c && op && ref);
	if (!a || !b || !c || !op || !ref)
		goto out;
	TEE_GenerateRandom(a, n);
	TEE_GenerateRandom(iv, sizeof(iv));
	iv[15] = 0xff; /* the counter carries across bytes early */
	unhex(k128, key, sizeof(key));
	CHECK(EVP_EncryptInit_ex(ref, EVP_aes_128_ctr(), NULL, key, iv) == 1 &&
	      EVP_EncryptUpdate(ref, c, &outl, a, (int)n) == 1 && (size_t)outl == n);

	TEE_CipherInit(op, iv, sizeof(iv));
	len = n;
	CHECK(TEE_CipherUpdate(op, a, n, b, &len) == TEE_SUCCESS && len == n);
	CHECK(memcmp(b, c, n) == 0);

	memcpy(b, a, n);
	TEE_CipherInit(op, iv, sizeof(iv));
	for (off = 0; off < n; off += len) {
		size_t step = n - off < 65537 ? n - off : 65537;

		len = step;
		CHECK(TEE_CipherUpdate(op, b + off, step, b + off, &len) == TEE_SUCCESS);
		if (len != step)
			break;
	}
	CHECK(memcmp(b, c, n) == 0);

	/* Overlapping but not equal buffers go through a copy. */
	memcpy(b, a, n - 1);
	TEE_CipherInit(op, iv, sizeof(iv));
	len = n;
	CHECK(TEE_CipherUpdate(op, b, n - 1, b + 1, &len) == TEE_SUCCESS && len == n - 1);
	CHECK(memcmp(b + 1, c, n - 1) == 0);
out:
	EVP_CIPHER_CTX_free(ref);
	TEE_FreeOperation(op);
	free(a);
	free(b);
	free(c);
}

/* ---- AES-GCM ---- */

struct gcm_case {
	const char *key, *iv, *aad, *pt, *ct, *tag;
};

/* McGrew-Viega "The GCM mode of operation", test cases 2, 3, 4 and 16. */
static const struct gcm_case gcm_cases[] = {
	{ "00000000000000000000000000000000", "000000000000000000000000", "",
	  "00000000000000000000000000000000", "0388dace60b6a392f328c2b971b2fe78",
	  "ab6e47d42cec13bdf53a67b21257bddf" },
	{ "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888", "",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	  "4d5c2af327cd64a62cf35abd2ba6fab4" },
	{ "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
	  "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
};

static void gcm_one(const struct gcm_case *tc)
{
	TEE_OperationHandle enc = make_op(TEE_ALG_AES_GCM, TEE_MODE_ENCRYPT, TEE_TYPE_AES, tc->key);
	TEE_OperationHandle dec = make_op(TEE_ALG_AES_GCM, TEE_MODE_DECRYPT, TEE_TYPE_AES, tc->key);
	uint8_t iv[12], aad[32], pt[64], buf[64], tag[16];
	size_t ivn = unhex(tc->iv, iv, sizeof(iv)), aadn = unhex(tc->aad, aad, sizeof(aad));
	size_t n = unhex(tc->pt, pt, sizeof(pt)), len, tlen, half = n / 2;

	CHECK(enc && dec);
	if (!enc || !dec)
		goto out;
	/* Encrypt: AAD in two pieces, payload split, tag from the final call. */
	CHECK(TEE_AEInit(enc, iv, ivn, 128, aadn, n) == TEE_SUCCESS);
	TEE_AEUpdateAAD(enc, aad, aadn / 2);
	TEE_AEUpdateAAD(enc, aad + aadn / 2, aadn - aadn / 2);
	len = sizeof(buf);
	CHECK(TEE_AEUpdate(enc, pt, half, buf, &len) == TEE_SUCCESS && len == half);
	len = sizeof(buf) - half;
	tlen = 15; /* too small: both needed sizes come back */
	CHECK(TEE_AEEncryptFinal(enc, pt + half, n - half, buf + half, &len, tag, &tlen) ==
	      TEE_ERROR_SHORT_BUFFER);
	CHECK(len == n - half && tlen == 16);
	CHECK(TEE_AEEncryptFinal(enc, pt + half, n - half, buf + half, &len, tag, &tlen) ==
	      TEE_SUCCESS);
	CHECK(eq_hex(buf, n, tc->ct) && eq_hex(tag, tlen, tc->tag));

	/* Decrypt in place. */
	CHECK(TEE_AEInit(dec, iv, ivn, 128, aadn, n) == TEE_SUCCESS);
	TEE_AEUpdateAAD(dec, aad, aadn);
	len = n;
	CHECK(TEE_AEDecryptFinal(dec, buf, n, buf, &len, tag, tlen) == TEE_SUCCESS && len == n);
	CHECK(memcmp(buf, pt, n) == 0);

	/* A flipped tag bit: MAC_INVALID, and nothing of the plaintext left. */
	unhex(tc->ct, buf, sizeof(buf));
	tag[0] ^= 1;
	CHECK(TEE_AEInit(dec, iv, ivn, 128, aadn, n) == TEE_SUCCESS);
	TEE_AEUpdateAAD(dec, aad, aadn);
	len = n;
	CHECK(TEE_AEDecryptFinal(dec, buf, n, buf, &len, tag, tlen) == TEE_ERROR_MAC_INVALID);
	for (size_t i = 0; i < n; i++)
		CHECK(buf[i] == 0);
	/* A shorter tag than TEE_AEInit chose never verifies. */
	tag[0] ^= 1;
	unhex(tc->ct, buf, sizeof(buf));
	CHECK(TEE_AEInit(dec, iv, ivn, 128, aadn, n) == TEE_SUCCESS);
	TEE_AEUpdateAAD(dec, aad, aadn);
	len = n;
	CHECK(TEE_AEDecryptFinal(dec, buf, n, buf, &len, tag, 12) == TEE_ERROR_MAC_INVALID);
out:
	TEE_FreeOperation(enc);
	TEE_FreeOperation(dec);
}

static void test_aes_gcm_kat(void)
{
	for (size_t i = 0; i < sizeof(gcm_cases) / sizeof(gcm_cases[0]); i++)
		gcm_one(&gcm_cases[i]);
}

static void p_decrypt_with_encrypt_op(void)
{
	size_t l = 0;

	TEE_AEDecryptFinal(p_op, NULL, 0, NULL, &l, NULL, 0);
}

static void test_aes_gcm_rules(void)
{
	static const char zero_key[] = "00000000000000000000000000000000";
	TEE_OperationHandle enc = make_op(TEE_ALG_AES_GCM, TEE_MODE_ENCRYPT, TEE_TYPE_AES, zero_key);
	TEE_OperationHandle dec = make_op(TEE_ALG_AES_GCM, TEE_MODE_DECRYPT, TEE_TYPE_AES, zero_key);
	uint8_t iv[12] = { 0 }, buf[32] = { 0 }, tag[16];
	size_t len = sizeof(buf), tlen = sizeof(tag);

	CHECK(enc && dec);
	if (!enc || !dec)
		goto out;
	CHECK(TEE_AEInit(enc, iv, sizeof(iv), 64, 0, 0) == TEE_ERROR_NOT_SUPPORTED);
	CHECK(TEE_AEInit(enc, iv, 0, 128, 0, 0) == TEE_ERROR_NOT_SUPPORTED);
	/* A 96-bit tag: test case 2's tag, truncated. */
	CHECK(TEE_AEInit(enc, iv, sizeof(iv), 96, 0, 0) == TEE_SUCCESS);
	CHECK(TEE_AEEncryptFinal(enc, buf, 16, buf, &len, tag, &tlen) == TEE_SUCCESS);
	CHECK(tlen == 12 && eq_hex(tag, 12, "ab6e47d42cec13bdf53a67b2"));
	/* Non-96-bit nonce (GHASH-derived J0) round-trips. */
	CHECK(TEE_AEInit(enc, buf, 20, 128, 0, 0) == TEE_SUCCESS);
	len = sizeof(buf);
	tlen = sizeof(tag);
	memset(buf + 20, 0x5a, 12);
	CHECK(TEE_AEEncryptFinal(enc, buf + 20, 12, buf + 20, &len, tag, &tlen) == TEE_SUCCESS);
	CHECK(TEE_AEInit(dec, buf, 20, 128, 0, 0) == TEE_SUCCESS);
	len = 12;
	CHECK(TEE_AEDecryptFinal(dec, buf + 20, 12, buf + 20, &len, tag, tlen) == TEE_SUCCESS);
	CHECK(buf[20] == 0x5a && buf[31] == 0x5a);
	/* An encrypt operation cannot decrypt. */
	p_op = enc;
	CHECK(TEE_AEInit(enc, iv, sizeof(iv), 128, 0, 0) == TEE_SUCCESS);
	CHECK(panics(p_decrypt_with_encrypt_op));
out:
	TEE_FreeOperation(enc);
	TEE_FreeOperation(dec);
}

/* ---- digests and MACs ---- */

static void test_digests(void)
{
	TEE_OperationHandle op = TEE_HANDLE_NULL;
	TEE_OperationInfo info;
	uint8_t h[64];
	size_t len;

	CHECK(TEE_AllocateOperation(&op, TEE_ALG_SHA256, TEE_MODE_DIGEST, 0) == TEE_SUCCESS);
	TEE_GetOperationInfo(op, &info);
	CHECK(info.digestLength == 32 && info.operationClass == TEE_OPERATION_DIGEST);
	CHECK(info.handleState == (TEE_HANDLE_FLAG_KEY_SET | TEE_HANDLE_FLAG_INITIALIZED));
	TEE_DigestUpdate(op, "a", 1);
	len = 31; /* too small: nothing consumed, so the retry still hashes "abc" */
	CHECK(TEE_DigestDoFinal(op, "bc", 2, h, &len) == TEE_ERROR_SHORT_BUFFER && len == 32);
	CHECK(TEE_DigestDoFinal(op, "bc", 2, h, &len) == TEE_SUCCESS && len == 32);
	CHECK(eq_hex(h, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	/* Ready for the next message straight away. */
	len = sizeof(h);
	CHECK(TEE_DigestDoFinal(op, "abc", 3, h, &len) == TEE_SUCCESS && len == 32);
	CHECK(eq_hex(h, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	TEE_FreeOperation(op);

	CHECK(TEE_AllocateOperation(&op, TEE_ALG_SHA1, TEE_MODE_DIGEST, 0) == TEE_SUCCESS);
	TEE_DigestUpdate(op, "ab", 2);
	TEE_ResetOperation(op); /* forgets "ab" */
	len = sizeof(h);
	CHECK(TEE_DigestDoFinal(op, "abc", 3, h, &len) == TEE_SUCCESS && len == 20);
	CHECK(eq_hex(h, 20, "a9993e364706816aba3e25717850c26c9cd0d89d"));
	TEE_FreeOperation(op);

	CHECK(TEE_AllocateOperation(&op, TEE_ALG_SHA256, TEE_MODE_ENCRYPT, 0) ==
	      TEE_ERROR_NOT_SUPPORTED && op == TEE_HANDLE_NULL);
}

/* RFC 4231 / RFC 2202 test case 4: key 0x01..0x19, data 50 x 0xcd. */
static void hmac_case(uint32_t alg, uint32_t type, const char *want)
{
	static const char key[] = "0102030405060708090a0b0c0d0e0f10111213141516171819";
	TEE_OperationHandle op = make_op(alg, TEE_MODE_MAC, type, key);
	uint8_t mac[64], data[50];
	size_t len, dlen = strlen(want) / 2;

	CHECK(op != TEE_HANDLE_NULL);
	if (!op)
		return;
	memset(data, 0xcd, sizeof(data));
	TEE_MACInit(op, NULL, 0);
	TEE_MACUpdate(op, data, 7);
	len = 4;
	CHECK(TEE_MACComputeFinal(op, data + 7, 43, mac, &len) == TEE_ERROR_SHORT_BUFFER &&
	      len == dlen);
	CHECK(TEE_MACComputeFinal(op, data + 7, 43, mac, &len) == TEE_SUCCESS && len == dlen);
	CHECK(eq_hex(mac, len, want));

	TEE_MACInit(op, NULL, 0);
	CHECK(TEE_MACCompareFinal(op, data, sizeof(data), mac, dlen) == TEE_SUCCESS);
	TEE_MACInit(op, NULL, 0);
	CHECK(TEE_MACCompareFinal(op, data, sizeof(data), mac, dlen - 1) == TEE_ERROR_MAC_INVALID);
	mac[dlen - 1] ^= 0x80;
	TEE_MACInit(op, NULL, 0);
	CHECK(TEE_MACCompareFinal(op, data, sizeof(data), mac, dlen) == TEE_ERROR_MAC_INVALID);
	TEE_FreeOperation(op);
}

static void test_hmac(void)
{
	hmac_case(TEE_ALG_HMAC_SHA256, TEE_TYPE_HMAC_SHA256,
		  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
	hmac_case(TEE_ALG_HMAC_SHA1, TEE_TYPE_HMAC_SHA1, "4c9007f4026250c6bc8414f9bf50c86c2d7235da");
	/* A generic secret also keys an HMAC. */
	hmac_case(TEE_ALG_HMAC_SHA256, TEE_TYPE_GENERIC_SECRET,
		  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

/* ---- objects ---- */

static void test_objects(void)
{
	TEE_ObjectHandle o = TEE_HANDLE_NULL, copy = TEE_HANDLE_NULL;
	TEE_ObjectInfo info;
	TEE_Attribute a;
	uint8_t k[32] = { 1, 2, 3 }, out[32];
	size_t len;

	CHECK(TEE_AllocateTransientObject(TEE_TYPE_AES, 100, &o) == TEE_ERROR_NOT_SUPPORTED);
	CHECK(TEE_AllocateTransientObject(0x12345678, 128, &o) == TEE_ERROR_NOT_SUPPORTED);
	CHECK(TEE_AllocateTransientObject(TEE_TYPE_HMAC_SHA256, 128, &o) == TEE_ERROR_NOT_SUPPORTED);
	CHECK(TEE_AllocateTransientObject(TEE_TYPE_AES, 256, &o) == TEE_SUCCESS);
	TEE_GetObjectInfo1(o, &info);
	CHECK(info.objectType == TEE_TYPE_AES && info.maxObjectSize == 256 && info.objectSize == 0);
	CHECK(info.objectUsage == TEE_USAGE_DEFAULT && info.handleFlags == 0);

	/* 20 bytes is no AES key; 16 fits a 256-bit object. */
	TEE_InitRefAttribute(&a, TEE_ATTR_SECRET_VALUE, k, 20);
	CHECK(TEE_PopulateTransientObject(o, &a, 1) == TEE_ERROR_BAD_PARAMETERS);
	TEE_InitRefAttribute(&a, TEE_ATTR_SECRET_VALUE, k, 16);
	CHECK(TEE_PopulateTransientObject(o, &a, 1) == TEE_SUCCESS);
	TEE_GetObjectInfo1(o, &info);
	CHECK(info.objectSize == 128 && (info.handleFlags & TEE_HANDLE_FLAG_INITIALIZED));
	len = 4;
	CHECK(TEE_GetObjectBufferAttribute(o, TEE_ATTR_SECRET_VALUE, out, &len) ==
	      TEE_ERROR_SHORT_BUFFER && len == 16);
	CHECK(TEE_GetObjectBufferAttribute(o, TEE_ATTR_SECRET_VALUE, out, &len) == TEE_SUCCESS);
	CHECK(len == 16 && memcmp(out, k, 16) == 0);

	/* A copy inherits the attributes and the narrower usage. */
	CHECK(TEE_AllocateTransientObject(TEE_TYPE_AES, 128, &copy) == TEE_SUCCESS);
	TEE_RestrictObjectUsage1(o, TEE_USAGE_DECRYPT);
	CHECK(TEE_CopyObjectAttributes1(copy, o) == TEE_SUCCESS);
	TEE_GetObjectInfo1(copy, &info);
	CHECK(info.objectSize == 128 && info.objectUsage == TEE_USAGE_DECRYPT);

	/* Reset: back to empty; then a generated key of the full size. */
	TEE_ResetTransientObject(o);
	TEE_GetObjectInfo1(o, &info);
	CHECK(info.objectSize == 0 && !(info.handleFlags & TEE_HANDLE_FLAG_INITIALIZED));
	CHECK(info.objectUsage == TEE_USAGE_DEFAULT);
	CHECK(TEE_GenerateKey(o, 256, NULL, 0) == TEE_SUCCESS);
	len = sizeof(out);
	CHECK(TEE_GetObjectBufferAttribute(o, TEE_ATTR_SECRET_VALUE, out, &len) == TEE_SUCCESS);
	CHECK(len == 32);
	CHECK(TEE_GetObjectBufferAttribute(o, TEE_ATTR_RSA_MODULUS, out, &len) ==
	      TEE_ERROR_ITEM_NOT_FOUND);
	TEE_CloseObject(o);
	TEE_FreeTransientObject(copy);
	TEE_FreeTransientObject(TEE_HANDLE_NULL);
	TEE_FreeOperation(TEE_HANDLE_NULL);
}

static void test_operation_info(void)
{
	TEE_OperationHandle op = make_op(TEE_ALG_AES_CTR, TEE_MODE_DECRYPT, TEE_TYPE_AES, k256);
	union {
		TEE_OperationInfoMultiple m;
		uint8_t raw[sizeof(TEE_OperationInfoMultiple) + 2 * sizeof(TEE_OperationInfoKey)];
	} u;
	TEE_OperationInfo info;
	uint8_t iv[16] = { 0 };
	size_t size = 8;

	CHECK(op != TEE_HANDLE_NULL);
	if (!op)
		return;
	TEE_GetOperationInfo(op, &info);
	CHECK(info.algorithm == TEE_ALG_AES_CTR && info.mode == TEE_MODE_DECRYPT);
	CHECK(info.maxKeySize == 256 && info.keySize == 256);
	CHECK(info.requiredKeyUsage == TEE_USAGE_DECRYPT);
	CHECK(info.handleState == TEE_HANDLE_FLAG_KEY_SET);
	CHECK(TEE_GetOperationInfoMultiple(op, &u.m, &size) == TEE_ERROR_SHORT_BUFFER);
	CHECK(size == sizeof(TEE_OperationInfoMultiple) + sizeof(TEE_OperationInfoKey));
	TEE_CipherInit(op, iv, sizeof(iv));
	size = sizeof(u);
	CHECK(TEE_GetOperationInfoMultiple(op, &u.m, &size) == TEE_SUCCESS);
	CHECK(u.m.operationState == TEE_OPERATION_STATE_ACTIVE && u.m.numberOfKeys == 1);
	CHECK(u.m.keyInformation[0].keySize == 256);
	CHECK(u.m.handleState == (TEE_HANDLE_FLAG_KEY_SET | TEE_HANDLE_FLAG_INITIALIZED));
	TEE_ResetOperation(op);
	TEE_GetOperationInfo(op, &info);
	CHECK(info.handleState == TEE_HANDLE_FLAG_KEY_SET);
	/* Clearing the key. */
	CHECK(TEE_SetOperationKey(op, TEE_HANDLE_NULL) == TEE_SUCCESS);
	TEE_GetOperationInfo(op, &info);
	CHECK(info.handleState == 0 && info.keySize == 0);
	TEE_FreeOperation(op);

	CHECK(TEE_IsAlgorithmSupported(TEE_ALG_AES_GCM, TEE_CRYPTO_ELEMENT_NONE) == TEE_SUCCESS);
	CHECK(TEE_IsAlgorithmSupported(TEE_ALG_RSA_NOPAD, 0) == TEE_ERROR_NOT_SUPPORTED);
	CHECK(TEE_AllocateOperation(&op, TEE_ALG_AES_CTR, TEE_MODE_ENCRYPT, 100) ==
	      TEE_ERROR_NOT_SUPPORTED);
	CHECK(TEE_AllocateOperation(&op, TEE_ALG_AES_CTR, TEE_MODE_MAC, 128) ==
	      TEE_ERROR_NOT_SUPPORTED);
}

/* ---- the panics GP mandates ---- */

static void p_update_uninitialized(void)
{
	static uint8_t b[16];
	size_t l = sizeof(b);

	TEE_CipherUpdate(p_op, b, sizeof(b), b, &l);
}

static void p_bogus_op(void)
{
	static int not_a_handle;

	TEE_ResetOperation((TEE_OperationHandle)&not_a_handle);
}

static void p_bogus_obj(void)
{
	static int not_a_handle;

	TEE_FreeTransientObject((TEE_ObjectHandle)&not_a_handle);
}

static void p_set_key(void)
{
	TEE_SetOperationKey(p_op, p_obj);
}

static void p_cipher_bad_iv(void)
{
	uint8_t iv[8] = { 0 };

	TEE_CipherInit(p_op, iv, sizeof(iv));
}

static void p_reset_without_key(void)
{
	TEE_ResetOperation(p_op);
}

static void p_secret_not_extractable(void)
{
	uint8_t b[32];
	size_t l = sizeof(b);

	TEE_GetObjectBufferAttribute(p_obj, TEE_ATTR_SECRET_VALUE, b, &l);
}

static void p_populate_too_big(void)
{
	uint8_t k[32] = { 0 };
	TEE_Attribute a;

	TEE_InitRefAttribute(&a, TEE_ATTR_SECRET_VALUE, k, sizeof(k));
	TEE_PopulateTransientObject(p_obj, &a, 1);
}

static void p_aad_after_payload(void)
{
	static uint8_t b[16];
	size_t l = sizeof(b);

	TEE_AEUpdate(p_op, b, sizeof(b), b, &l);
	TEE_AEUpdateAAD(p_op, b, 1);
}

static void test_panics(void)
{
	TEE_ObjectHandle hmac = make_key(TEE_TYPE_HMAC_SHA256, "000102030405060708090a0b0c0d0e0f1011121314151617");
	TEE_ObjectHandle aes = make_key(TEE_TYPE_AES, k128);
	TEE_ObjectHandle small = TEE_HANDLE_NULL;
	uint8_t iv[12] = { 0 };

	CHECK(hmac && aes);
	CHECK(TEE_AllocateOperation(&p_op, TEE_ALG_AES_CTR, TEE_MODE_ENCRYPT, 128) == TEE_SUCCESS);
	CHECK(panics(p_reset_without_key));
	CHECK(panics(p_bogus_op));
	CHECK(panics(p_bogus_obj));
	p_obj = hmac; /* wrong key type */
	CHECK(panics(p_set_key));
	TEE_RestrictObjectUsage1(aes, TEE_USAGE_DECRYPT); /* lacks ENCRYPT */
	p_obj = aes;
	CHECK(panics(p_set_key));
	CHECK(panics(p_secret_not_extractable));
	CHECK(panics(p_update_uninitialized));
	TEE_FreeOperation(p_op);

	p_op = TEE_HANDLE_NULL;
	CHECK(TEE_AllocateOperation(&p_op, TEE_ALG_AES_CBC_NOPAD, TEE_MODE_DECRYPT, 128) ==
	      TEE_SUCCESS);
	CHECK(TEE_SetOperationKey(p_op, aes) == TEE_SUCCESS);
	CHECK(panics(p_cipher_bad_iv));
	TEE_FreeOperation(p_op);

	CHECK(TEE_AllocateTransientObject(TEE_TYPE_AES, 128, &small) == TEE_SUCCESS);
	p_obj = small;
	CHECK(panics(p_populate_too_big));

	p_op = TEE_HANDLE_NULL;
	CHECK(TEE_AllocateOperation(&p_op, TEE_ALG_AES_GCM, TEE_MODE_DECRYPT, 128) == TEE_SUCCESS);
	CHECK(TEE_SetOperationKey(p_op, aes) == TEE_SUCCESS);
	CHECK(TEE_AEInit(p_op, iv, sizeof(iv), 128, 0, 0) == TEE_SUCCESS);
	CHECK(panics(p_aad_after_payload));
	TEE_FreeOperation(p_op);
	p_op = TEE_HANDLE_NULL;

	TEE_FreeTransientObject(small);
	TEE_FreeTransientObject(hmac);
	TEE_FreeTransientObject(aes);
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "AES-CTR SP 800-38A F.5.1/F.5.5", test_aes_ctr_kat },
	{ "AES-ECB/CBC NOPAD, held-back blocks", test_aes_ecb_cbc },
	{ "AES-CTR large, split, in place, overlapping", test_aes_ctr_large },
	{ "AES-GCM test cases 2/3/4/16, tamper", test_aes_gcm_kat },
	{ "AES-GCM tag and nonce lengths", test_aes_gcm_rules },
	{ "SHA-256/SHA-1 digests", test_digests },
	{ "HMAC-SHA256/SHA1 RFC 4231/2202 case 4", test_hmac },
	{ "transient objects", test_objects },
	{ "operation info", test_operation_info },
	{ "GP panics", test_panics },
};

/* Runs every crypto test; prints one line each; returns how many failed. */
int sdk_crypto_unit_tests(void)
{
	int failed = 0;

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		failures = 0;
		tests[i].fn();
		printf("%s sdk crypto: %s\n", failures ? "FAIL" : "PASS", tests[i].name);
		failed += failures != 0;
	}
	return failed;
}
