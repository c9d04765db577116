/*
 * GlobalPlatform TEE Internal Core API — cryptographic constants
 * (rx-teec TA SDK). Values are those of the GP specification (v1.1 and
 * later), so TA sources written for OP-TEE or another GP TEE compile and
 * mean the same here. Include tee_internal_api.h rather than this file.
 *
 * Which of these the simulator implements today: see tee_api_crypto.h.
 * The RSA/ECC/DH identifiers are listed so that later issues (asymmetric
 * operations, persistent storage) only add code, not constants.
 */
#ifndef TEE_API_CRYPTO_DEFINES_H
#define TEE_API_CRYPTO_DEFINES_H

/* ---- Operation classes (TEE_OperationInfo.operationClass) ---- */
#define TEE_OPERATION_CIPHER               1
#define TEE_OPERATION_MAC                  3
#define TEE_OPERATION_AE                   4
#define TEE_OPERATION_DIGEST               5
#define TEE_OPERATION_ASYMMETRIC_CIPHER    6
#define TEE_OPERATION_ASYMMETRIC_SIGNATURE 7
#define TEE_OPERATION_KEY_DERIVATION       8

/* ---- Operation states (TEE_OperationInfoMultiple.operationState) ---- */
#define TEE_OPERATION_STATE_INITIAL 0x00000000
#define TEE_OPERATION_STATE_ACTIVE  0x00000001

/* ---- Operation modes (TEE_OperationMode) ---- */
#define TEE_MODE_ENCRYPT 0
#define TEE_MODE_DECRYPT 1
#define TEE_MODE_SIGN    2
#define TEE_MODE_VERIFY  3
#define TEE_MODE_MAC     4
#define TEE_MODE_DIGEST  5
#define TEE_MODE_DERIVE  6

/* ---- Handle flags (TEE_ObjectInfo.handleFlags, TEE_OperationInfo.handleState) ---- */
#define TEE_HANDLE_FLAG_PERSISTENT      0x00010000
#define TEE_HANDLE_FLAG_INITIALIZED     0x00020000
#define TEE_HANDLE_FLAG_KEY_SET         0x00040000
#define TEE_HANDLE_FLAG_EXPECT_TWO_KEYS 0x00080000
#define TEE_HANDLE_FLAG_EXTRACTING      0x00100000

/* ---- Key usage (TEE_ObjectInfo.objectUsage) ---- */
#define TEE_USAGE_EXTRACTABLE 0x00000001
#define TEE_USAGE_ENCRYPT     0x00000002
#define TEE_USAGE_DECRYPT     0x00000004
#define TEE_USAGE_MAC         0x00000008
#define TEE_USAGE_SIGN        0x00000010
#define TEE_USAGE_VERIFY      0x00000020
#define TEE_USAGE_DERIVE      0x00000040
#define TEE_USAGE_DEFAULT     0xFFFFFFFF

/* ---- Attribute identifier flags ---- */
#define TEE_ATTR_FLAG_PUBLIC (1u << 28) /* may be read even if not extractable */
#define TEE_ATTR_FLAG_VALUE  (1u << 29) /* a value (a, b) rather than a buffer */

/* ---- Attribute identifiers ---- */
#define TEE_ATTR_SECRET_VALUE          0xC0000000
#define TEE_ATTR_RSA_MODULUS           0xD0000130
#define TEE_ATTR_RSA_PUBLIC_EXPONENT   0xD0000230
#define TEE_ATTR_RSA_PRIVATE_EXPONENT  0xC0000330
#define TEE_ATTR_RSA_PRIME1            0xC0000430
#define TEE_ATTR_RSA_PRIME2            0xC0000530
#define TEE_ATTR_RSA_EXPONENT1         0xC0000630
#define TEE_ATTR_RSA_EXPONENT2         0xC0000730
#define TEE_ATTR_RSA_COEFFICIENT       0xC0000830
#define TEE_ATTR_RSA_PSS_SALT_LENGTH   0xF0000A30
#define TEE_ATTR_DSA_PRIME             0xD0001031
#define TEE_ATTR_DSA_SUBPRIME          0xD0001131
#define TEE_ATTR_DSA_BASE              0xD0001231
#define TEE_ATTR_DSA_PUBLIC_VALUE      0xD0000131
#define TEE_ATTR_DSA_PRIVATE_VALUE     0xC0000231
#define TEE_ATTR_DH_PRIME              0xD0001032
#define TEE_ATTR_DH_SUBPRIME           0xD0001132
#define TEE_ATTR_DH_BASE               0xD0001232
#define TEE_ATTR_DH_X_BITS             0xF0001332
#define TEE_ATTR_DH_PUBLIC_VALUE       0xD0000132
#define TEE_ATTR_DH_PRIVATE_VALUE      0xC0000232
#define TEE_ATTR_ECC_PUBLIC_VALUE_X    0xD0000141
#define TEE_ATTR_ECC_PUBLIC_VALUE_Y    0xD0000241
#define TEE_ATTR_ECC_PRIVATE_VALUE     0xC0000341
#define TEE_ATTR_ECC_CURVE             0xF0000441

/* ---- Object types (TEE_ObjectType) ---- */
#define TEE_TYPE_AES                0xA0000010
#define TEE_TYPE_DES                0xA0000011
#define TEE_TYPE_DES3               0xA0000013
#define TEE_TYPE_HMAC_MD5           0xA0000001
#define TEE_TYPE_HMAC_SHA1          0xA0000002
#define TEE_TYPE_HMAC_SHA224        0xA0000003
#define TEE_TYPE_HMAC_SHA256        0xA0000004
#define TEE_TYPE_HMAC_SHA384        0xA0000005
#define TEE_TYPE_HMAC_SHA512        0xA0000006
#define TEE_TYPE_RSA_PUBLIC_KEY     0xA0000030
#define TEE_TYPE_RSA_KEYPAIR        0xA1000030
#define TEE_TYPE_DSA_PUBLIC_KEY     0xA0000031
#define TEE_TYPE_DSA_KEYPAIR        0xA1000031
#define TEE_TYPE_DH_KEYPAIR         0xA1000032
#define TEE_TYPE_ECDSA_PUBLIC_KEY   0xA0000041
#define TEE_TYPE_ECDSA_KEYPAIR      0xA1000041
#define TEE_TYPE_ECDH_PUBLIC_KEY    0xA0000042
#define TEE_TYPE_ECDH_KEYPAIR       0xA1000042
#define TEE_TYPE_GENERIC_SECRET     0xA0000000
#define TEE_TYPE_CORRUPTED_OBJECT   0xA00000BE
#define TEE_TYPE_DATA               0xA00000BF

/* ---- Algorithm identifiers ---- */
/* Symmetric ciphers */
#define TEE_ALG_AES_ECB_NOPAD           0x10000010
#define TEE_ALG_AES_CBC_NOPAD           0x10000110
#define TEE_ALG_AES_CTR                 0x10000210
#define TEE_ALG_AES_CTS                 0x10000310
#define TEE_ALG_AES_XTS                 0x10000410
#define TEE_ALG_DES_ECB_NOPAD           0x10000011
#define TEE_ALG_DES_CBC_NOPAD           0x10000111
#define TEE_ALG_DES3_ECB_NOPAD          0x10000013
#define TEE_ALG_DES3_CBC_NOPAD          0x10000113
/* MACs */
#define TEE_ALG_AES_CBC_MAC_NOPAD       0x30000110
#define TEE_ALG_AES_CBC_MAC_PKCS5       0x30000510
#define TEE_ALG_AES_CMAC                0x30000610
#define TEE_ALG_HMAC_MD5                0x30000001
#define TEE_ALG_HMAC_SHA1               0x30000002
#define TEE_ALG_HMAC_SHA224             0x30000003
#define TEE_ALG_HMAC_SHA256             0x30000004
#define TEE_ALG_HMAC_SHA384             0x30000005
#define TEE_ALG_HMAC_SHA512             0x30000006
/* Authenticated encryption */
#define TEE_ALG_AES_CCM                 0x40000710
#define TEE_ALG_AES_GCM                 0x40000810
/* Digests */
#define TEE_ALG_MD5                     0x50000001
#define TEE_ALG_SHA1                    0x50000002
#define TEE_ALG_SHA224                  0x50000003
#define TEE_ALG_SHA256                  0x50000004
#define TEE_ALG_SHA384                  0x50000005
#define TEE_ALG_SHA512                  0x50000006
/* Asymmetric (later issues) */
#define TEE_ALG_RSASSA_PKCS1_V1_5_SHA1       0x70002830
#define TEE_ALG_RSASSA_PKCS1_V1_5_SHA256     0x70004830
#define TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256 0x70414930
#define TEE_ALG_RSAES_PKCS1_V1_5             0x60000130
#define TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA1   0x60210230
#define TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256 0x60410230
#define TEE_ALG_RSA_NOPAD                    0x60000030
#define TEE_ALG_ECDSA_P256                   0x70003041
#define TEE_ALG_ECDH_P256                    0x80003042

/* ---- ECC curves (TEE_ATTR_ECC_CURVE) ---- */
#define TEE_ECC_CURVE_NIST_P192 0x00000001
#define TEE_ECC_CURVE_NIST_P224 0x00000002
#define TEE_ECC_CURVE_NIST_P256 0x00000003
#define TEE_ECC_CURVE_NIST_P384 0x00000004
#define TEE_ECC_CURVE_NIST_P521 0x00000005

/* ---- TEE_IsAlgorithmSupported ---- */
#define TEE_CRYPTO_ELEMENT_NONE 0x00000000

#endif /* TEE_API_CRYPTO_DEFINES_H */
