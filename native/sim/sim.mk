# The simulator: libteec.so.2 (client library), tee-simd (daemon),
# tee-sim-tahost (TA host), tee-sim-ctl (status/stop CLI), plus its own
# smoke test with fixture TAs (make sim-check).
#
# Included by native/Makefile; uses O, BIN_DIR, LIB_DIR, OBJ_DIR,
# CFLAGS_BASE, LDFLAGS_BASE and the $(OBJ_DIR)/%.o pattern rule.

SIM_DIR := $(NATIVE)/sim

SIM_COMMON_SRCS := sim/common/sim_msg.c sim/common/sim_sha1.c sim/common/sim_uuid.c \
                   sim/common/sim_log.c sim/common/sim_util.c
SIM_CLIENT_SRCS := $(patsubst $(NATIVE)/%,%,$(wildcard $(SIM_DIR)/client/*.c))
SIM_DAEMON_SRCS := $(patsubst $(NATIVE)/%,%,$(wildcard $(SIM_DIR)/daemon/*.c))
SIM_TAHOST_SRCS := $(patsubst $(NATIVE)/%,%,$(wildcard $(SIM_DIR)/tahost/*.c))
SIM_CTL_SRCS    := $(patsubst $(NATIVE)/%,%,$(wildcard $(SIM_DIR)/ctl/*.c))

sim_objs = $(patsubst %.c,$(OBJ_DIR)/%.o,$(1))
SIM_COMMON_OBJS := $(call sim_objs,$(SIM_COMMON_SRCS))
SIM_CLIENT_OBJS := $(call sim_objs,$(SIM_CLIENT_SRCS))
SIM_DAEMON_OBJS := $(call sim_objs,$(SIM_DAEMON_SRCS))
SIM_TAHOST_OBJS := $(call sim_objs,$(SIM_TAHOST_SRCS))
SIM_CTL_OBJS    := $(call sim_objs,$(SIM_CTL_SRCS))

SIM_LIBTEEC := $(LIB_DIR)/libteec.so.2
SIM_SIMD    := $(BIN_DIR)/tee-simd
SIM_TAHOST  := $(BIN_DIR)/tee-sim-tahost
SIM_CTL     := $(BIN_DIR)/tee-sim-ctl

# Hidden by default: libteec exports exactly the TEEC_* functions.
$(SIM_COMMON_OBJS) $(SIM_CLIENT_OBJS) $(SIM_DAEMON_OBJS) $(SIM_CTL_OBJS): \
	CFLAGS_EXTRA += -fvisibility=hidden -I$(SIM_DIR)/common -I$(CLIENT_INCLUDE)
# The TA host exports tee_sim_rt_* to the SDK and the TA (-rdynamic).
# It reports results and origins on the wire with the GP client header's codes.
$(SIM_TAHOST_OBJS): CFLAGS_EXTRA += -I$(SIM_DIR)/common -I$(TA_SDK_DIR)/src -I$(TA_SDK_DIR)/include \
	-I$(CLIENT_INCLUDE)

# The TA SDK library, once native/ta-sdk provides it; linked whole so every
# TEE_* function is there for the dlopen'ed TA.
ifneq ($(wildcard $(TA_SDK_DIR)/sdk.mk),)
SIM_TA_SDK_LIB := $(OBJ_DIR)/libtee_sim_ta.a
SIM_TA_SDK_LINK := -Wl,--whole-archive $(SIM_TA_SDK_LIB) -Wl,--no-whole-archive
else
SIM_TA_SDK_LIB :=
SIM_TA_SDK_LINK :=
endif

.PHONY: sim sim-check
all: sim
sim: $(SIM_LIBTEEC) $(LIB_DIR)/libteec.so $(SIM_SIMD) $(SIM_TAHOST) $(SIM_CTL)

$(SIM_LIBTEEC): $(SIM_CLIENT_OBJS) $(SIM_COMMON_OBJS) $(SIM_DIR)/client/libteec.map
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_BASE) -shared -Wl,-soname,libteec.so.2 \
		-Wl,--version-script,$(SIM_DIR)/client/libteec.map -Wl,-z,defs \
		-o $@ $(SIM_CLIENT_OBJS) $(SIM_COMMON_OBJS) -ldl -lpthread

$(LIB_DIR)/libteec.so: $(SIM_LIBTEEC)
	ln -sf libteec.so.2 $@

$(SIM_SIMD): $(SIM_DAEMON_OBJS) $(SIM_COMMON_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_BASE) -o $@ $^

$(SIM_TAHOST): $(SIM_TAHOST_OBJS) $(SIM_COMMON_OBJS) $(SIM_TA_SDK_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_BASE) -rdynamic -o $@ $(SIM_TAHOST_OBJS) $(SIM_COMMON_OBJS) \
		$(SIM_TA_SDK_LINK) -ldl -lpthread -lcrypto

$(SIM_CTL): $(SIM_CTL_OBJS) $(SIM_COMMON_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_BASE) -o $@ $^

# ---- The simulator's own smoke test (conformance TAs, private daemon) ----
SIM_TEST_DIR := $(O)/sim-test

$(SIM_TEST_DIR)/sim_smoke: $(SIM_DIR)/test-fixtures/sim_smoke.c $(SIM_LIBTEEC)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -I$(CLIENT_INCLUDE) -I$(NATIVE)/tas/conformance/include -o $@ $< \
		$(LDFLAGS_BASE) -L$(LIB_DIR) -Wl,-rpath,$(LIB_DIR) -lteec -lpthread

sim-check: sim tas $(SIM_TEST_DIR)/sim_smoke
	RX_TEEC_SIM_TA_PATH=$(TA_DIR) RX_TEEC_SIM_BIN=$(BIN_DIR) \
		$(SIM_DIR)/test-fixtures/run-smoke.sh $(SIM_TEST_DIR)/sim_smoke
