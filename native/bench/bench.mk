# The C benchmark: $(BENCH_DIR)/teec-bench (run it with `make bench-c`).

BENCH_SRCS := $(filter-out $(NATIVE)/bench/aes_bench.c,$(wildcard $(NATIVE)/bench/*.c))
BENCH_OBJS := $(patsubst $(NATIVE)/%.c,$(OBJ_DIR)/%.o,$(BENCH_SRCS))
BENCH_BIN  := $(BENCH_DIR)/teec-bench

# What both benchmarks share: the private daemon, the machine description.
BENCH_COMMON_OBJ := $(OBJ_DIR)/bench/common/bench_common.o
BENCH_COMMON_INC := -I$(NATIVE)/bench/common

$(BENCH_OBJS): CFLAGS_EXTRA := -I$(CLIENT_INCLUDE) -I$(NATIVE)/tas/conformance/include $(BENCH_COMMON_INC) \
	-DBENCH_BIN_DIR='"$(BIN_DIR)"' -DBENCH_TA_DIR='"$(TA_DIR)"'

# Needs the simulator's client library; skipped without native/sim.
ifneq ($(wildcard $(NATIVE)/sim/sim.mk),)

$(BENCH_BIN): $(BENCH_OBJS) $(BENCH_COMMON_OBJ) $(LIB_DIR)/libteec.so.2
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_BASE) -o $@ $(BENCH_OBJS) $(BENCH_COMMON_OBJ) $(LIB_DIR)/libteec.so.2 -Wl,-rpath,$(LIB_DIR)

.PHONY: bench-c
all: $(BENCH_BIN)
bench-c: $(BENCH_BIN) sim tas
	$(BENCH_BIN)

endif

include $(NATIVE)/bench/aes_bench.mk
