# aes-bench: AES-128-CTR/GCM stream decryption through the aes_stream TA,
# the C pipeline of the benchmark suite (run it with `make bench-aes`).
# Included by bench.mk, which leaves aes_bench.c out of teec-bench.

AES_BENCH_OBJ := $(OBJ_DIR)/bench/aes_bench.o
AES_BENCH_BIN := $(BENCH_DIR)/aes-bench

$(AES_BENCH_OBJ): CFLAGS_EXTRA := -I$(CLIENT_INCLUDE) $(AES_STREAM_CLIENT_INC) $(BENCH_COMMON_INC) \
	-DBENCH_BIN_DIR='"$(BIN_DIR)"' -DBENCH_TA_DIR='"$(TA_DIR)"'

ifneq ($(wildcard $(NATIVE)/sim/sim.mk),)

$(AES_BENCH_BIN): $(AES_BENCH_OBJ) $(AES_STREAM_CLIENT_OBJ) $(BENCH_COMMON_OBJ) $(LIB_DIR)/libteec.so.2
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_BASE) -o $@ $(AES_BENCH_OBJ) $(AES_STREAM_CLIENT_OBJ) $(BENCH_COMMON_OBJ) $(LIB_DIR)/libteec.so.2 \
		-Wl,-rpath,$(LIB_DIR) -lcrypto

.PHONY: bench-aes
all: $(AES_BENCH_BIN)
bench-aes: $(AES_BENCH_BIN) sim tas
	$(AES_BENCH_BIN)

endif
