/*
 * aes_stream TA: known-answer vectors through the TA (keys imported with the
 * test-only raw import), and TA encryption checked against OpenSSL.
 */
#include <openssl/evp.h>
#include <string.h>

#include "aes_helpers.h"
#include "tests.h"

static const char ctr_iv[] = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
static const char ctr_pt[] =
	"6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	"30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

struct ctr_kat {
	const char *name, *key, *ct;
};

/* NIST SP 800-38A F.5.1 (CTR-AES128.Encrypt) and F.5.5 (CTR-AES256.Encrypt). */
static const struct ctr_kat ctr_kats[] = {
	{ "F.5.1", "2b7e151628aed2a6abf7158809cf4f3c",
	  "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
	  "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee" },
	{ "F.5.5", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
	  "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6" },
};

void t_aes_ctr_kat(void)
{
	for (size_t k = 0; k < sizeof(ctr_kats) / sizeof(ctr_kats[0]); k++) {
		const struct ctr_kat *v = &ctr_kats[k];
		uint8_t key[32], iv[16], pt[64], ct[64], buf[64];
		size_t kn = aes_unhex(v->key, key, sizeof(key)), n = aes_unhex(ctr_pt, pt, sizeof(pt));
		TEEC_Context ctx;
		TEEC_Session s;

		aes_unhex(ctr_iv, iv, sizeof(iv));
		aes_unhex(v->ct, ct, sizeof(ct));
		REQUIRE(aes_open(&ctx, &s));
		CHECK_HEX(aes_raw_key(&s, key, kn, AES_STREAM_MODE_CTR), TEEC_SUCCESS);
		CHECK_HEX(aes_start_decrypt(&s, iv, sizeof(iv), NULL, 0), TEEC_SUCCESS);

		/* Encrypt in one chunk. */
		memcpy(buf, pt, n);
		CHECK_HEX(aes_ctr(&s, buf, n, 0), TEEC_SUCCESS);
		if (memcmp(buf, ct, n) != 0)
			h_fail(__FILE__, __LINE__, "%s: ciphertext differs", v->name);

		/* Decrypt in odd chunks at their stream offsets, out of order. */
		CHECK_HEX(aes_ctr(&s, buf + 47, 17, 47), TEEC_SUCCESS);
		CHECK_HEX(aes_ctr(&s, buf, 1, 0), TEEC_SUCCESS);
		CHECK_HEX(aes_ctr(&s, buf + 1, 30, 1), TEEC_SUCCESS);
		CHECK_HEX(aes_ctr(&s, buf + 31, 16, 31), TEEC_SUCCESS);
		if (memcmp(buf, pt, n) != 0)
			h_fail(__FILE__, __LINE__, "%s: plaintext differs", v->name);
		h_close_context_session(&ctx, &s);
	}
}

struct gcm_kat {
	const char *name, *key, *iv, *aad, *pt, *ct, *tag;
};

/* The GCM spec's (McGrew-Viega, as used by SP 800-38D validation) test cases. */
static const struct gcm_kat gcm_kats[] = {
	{ "TC2", "00000000000000000000000000000000", "000000000000000000000000", "",
	  "00000000000000000000000000000000", "0388dace60b6a392f328c2b971b2fe78",
	  "ab6e47d42cec13bdf53a67b21257bddf" },
	{ "TC3", "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888", "",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	  "4d5c2af327cd64a62cf35abd2ba6fab4" },
	{ "TC4", "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
	  "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ "TC16", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
	  "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
};

/*
 * A test case is chunk 0 (not final) of a stream whose IV is the case's IV
 * and whose AAD is the case's AAD: the framing is plain GCM there.
 */
void t_aes_gcm_kat(void)
{
	for (size_t k = 0; k < sizeof(gcm_kats) / sizeof(gcm_kats[0]); k++) {
		const struct gcm_kat *v = &gcm_kats[k];
		uint8_t key[32], iv[12], aad[32], pt[64], buf[80];
		size_t kn = aes_unhex(v->key, key, sizeof(key)), an = aes_unhex(v->aad, aad, sizeof(aad));
		size_t n = aes_unhex(v->pt, pt, sizeof(pt)), size = n + 16;
		TEEC_Context ctx;
		TEEC_Session s;

		aes_unhex(v->iv, iv, sizeof(iv));
		aes_unhex(v->ct, buf, sizeof(buf));
		aes_unhex(v->tag, buf + n, 16);
		REQUIRE(aes_open(&ctx, &s));
		CHECK_HEX(aes_raw_key(&s, key, kn, AES_STREAM_MODE_GCM), TEEC_SUCCESS);
		CHECK_HEX(aes_start_decrypt(&s, iv, sizeof(iv), an ? aad : NULL, an), TEEC_SUCCESS);
		CHECK_HEX(aes_gcm(&s, buf, &size, 0, 0), TEEC_SUCCESS);
		CHECK(size == n);
		if (memcmp(buf, pt, n) != 0)
			h_fail(__FILE__, __LINE__, "%s: plaintext differs", v->name);
		h_close_context_session(&ctx, &s);
	}
}

/* The TA's GCM chunk i equals OpenSSL's GCM with the documented nonce. */
void t_aes_gcm_encrypt_matches_openssl(void)
{
	static const char key_hex[] = "feffe9928665731c6d6a8f9467308308";
	static const char aad[] = "file header v1";
	uint8_t key[16], iv[12], nonce[12], pt[1000], buf[1016], ct[1000], tag[16];
	size_t iv_len = sizeof(iv), size;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	TEEC_Context ctx;
	TEEC_Session s;
	int outl = 0;

	REQUIRE(c != NULL);
	aes_unhex(key_hex, key, sizeof(key));
	aes_fill(pt, sizeof(pt), 7);
	if (!aes_open(&ctx, &s)) {
		EVP_CIPHER_CTX_free(c);
		REQUIRE(false);
	}
	CHECK_HEX(aes_raw_key(&s, key, sizeof(key), AES_STREAM_MODE_GCM), TEEC_SUCCESS);
	CHECK_HEX(aes_start_encrypt(&s, iv, &iv_len, aad, strlen(aad)), TEEC_SUCCESS);
	CHECK(iv_len == 12);
	for (uint32_t i = 0; i < 3; i++) {
		uint32_t flags = i == 2 ? AES_STREAM_CHUNK_FINAL : 0;

		memcpy(buf, pt, sizeof(pt));
		size = sizeof(buf);
		CHECK_HEX(aes_gcm(&s, buf, &size, i, flags), TEEC_SUCCESS);
		CHECK(size == sizeof(buf));
		memcpy(nonce, iv, 12);
		nonce[10] ^= (uint8_t)i;
		nonce[11] ^= (uint8_t)flags;
		CHECK(EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, key, nonce) == 1);
		CHECK(EVP_EncryptUpdate(c, NULL, &outl, (const uint8_t *)aad, (int)strlen(aad)) == 1);
		CHECK(EVP_EncryptUpdate(c, ct, &outl, pt, (int)sizeof(pt)) == 1);
		CHECK(EVP_EncryptFinal_ex(c, tag, &outl) == 1);
		CHECK(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, tag) == 1);
		CHECK(memcmp(buf, ct, sizeof(ct)) == 0 && memcmp(buf + sizeof(ct), tag, 16) == 0);
	}
	EVP_CIPHER_CTX_free(c);
	h_close_context_session(&ctx, &s);
}
