global-incdirs-y += include
srcs-y += aes_stream_ta.c keys.c kek.c streams.c
# 0 removes AES_STREAM_CMD_TEST_IMPORT_RAW_KEY (production builds).
CFG_AES_STREAM_TEST_KEYS ?= 1
cflags-y += -DCFG_AES_STREAM_TEST_KEYS=$(CFG_AES_STREAM_TEST_KEYS)
