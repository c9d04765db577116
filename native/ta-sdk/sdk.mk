# TA SDK: the GP Internal Core API library the TA host links (whole archive,
# exported to TAs), and its unit test against a stub runtime.

SDK_SRCS := $(filter-out $(TA_SDK_DIR)/src/ta_header.c,$(wildcard $(TA_SDK_DIR)/src/*.c))
SDK_OBJS := $(patsubst $(NATIVE)/%.c,$(OBJ_DIR)/%.o,$(SDK_SRCS))
SDK_LIB  := $(OBJ_DIR)/libtee_sim_ta.a
SDK_CFLAGS := -I$(TA_SDK_DIR)/include -I$(TA_SDK_DIR)/src -fvisibility=default

$(SDK_OBJS): CFLAGS_EXTRA := $(SDK_CFLAGS)

$(SDK_LIB): $(SDK_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# Unit test: the SDK against a fake tee_sim_rt_* and a fake TA header.
SDK_TEST_SRCS := $(wildcard $(TA_SDK_DIR)/test/*.c)
SDK_TEST_OBJS := $(patsubst $(NATIVE)/%.c,$(OBJ_DIR)/%.o,$(SDK_TEST_SRCS))
SDK_TEST_BIN  := $(TEST_DIR)/sdk-unit

$(SDK_TEST_OBJS): CFLAGS_EXTRA := $(SDK_CFLAGS) -I$(TA_SDK_DIR)/test

$(SDK_TEST_BIN): $(SDK_TEST_OBJS) $(SDK_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_BASE) -o $@ $(SDK_TEST_OBJS) $(SDK_LIB) -lpthread -lcrypto

.PHONY: sdk check-sdk
sdk: $(SDK_LIB)
all: $(SDK_LIB) $(SDK_TEST_BIN)

check-sdk: $(SDK_TEST_BIN)
	$(SDK_TEST_BIN)
check: check-sdk
