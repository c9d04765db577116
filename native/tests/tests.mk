# The C conformance suite: $(TEST_DIR)/conformance, run by `make check`
# against a private simulator daemon (see harness.c).

TESTS_SRCS := $(wildcard $(NATIVE)/tests/*.c)
TESTS_OBJS := $(patsubst $(NATIVE)/%.c,$(OBJ_DIR)/%.o,$(TESTS_SRCS))
TESTS_BIN  := $(TEST_DIR)/conformance

# The client library's internal header (sim/client) for its pipeline depth.
$(TESTS_OBJS): CFLAGS_EXTRA := -I$(CLIENT_INCLUDE) -I$(NATIVE)/tests \
	-I$(NATIVE)/sim/client -I$(NATIVE)/sim/common \
	-I$(NATIVE)/tas/conformance/include -I$(NATIVE)/tas/demo/include \
	$(AES_STREAM_CLIENT_INC) \
	-I$(TA_SDK_DIR)/include \
	-DTEST_BIN_DIR='"$(BIN_DIR)"' -DTEST_TA_DIR='"$(TA_DIR)"'

# The suite needs the simulator; without native/sim it is not built, so the
# rest of the tree still builds.
ifneq ($(wildcard $(NATIVE)/sim/sim.mk),)

$(TESTS_BIN): $(TESTS_OBJS) $(AES_STREAM_CLIENT_OBJ) $(LIB_DIR)/libteec.so.2
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_BASE) -o $@ $(TESTS_OBJS) $(AES_STREAM_CLIENT_OBJ) $(LIB_DIR)/libteec.so.2 \
		-Wl,-rpath,$(LIB_DIR) -lcrypto -lpthread

.PHONY: check-conformance
all: $(TESTS_BIN)
# CONFORMANCE_RUN wraps the runner (check-tsan), CONFORMANCE_ARGS filters the tests.
check-conformance: $(TESTS_BIN) sim tas
	$(CONFORMANCE_RUN) $(TESTS_BIN) $(CONFORMANCE_ARGS)
check: check-conformance

else
check:
	@echo "native/sim is missing: conformance suite skipped"
endif
