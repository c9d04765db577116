# The TAs shipped with rx-teec, each built by the SDK's ta_dev_kit.mk (the
# same recipe TA authors use) into $(TA_DIR)/<uuid>.ta.

TAS_NAMES := conformance conformance_si conformance_sims conformance_ka conformance_hang \
	conformance_hang_mi demo \
	aes_stream

# Sanitizer flags of this build go into the TAs too, so that an ASan TA host
# loads ASan TAs.
TAS_SAN_CFLAGS := $(filter -O1 -fsanitize=% -fno-sanitize-recover=% -fno-omit-frame-pointer,$(CFLAGS_BASE))

.PHONY: tas $(addprefix ta-,$(TAS_NAMES))
tas: $(addprefix ta-,$(TAS_NAMES))
all: tas
check: tas

# A sub-make per TA: the recipe tracks its own dependencies.
$(addprefix ta-,$(TAS_NAMES)): ta-%: $(TA_SDK_DIR)/mk/ta_dev_kit.mk
	$(MAKE) --no-print-directory -C $(NATIVE)/tas/$* \
		TA_DEV_KIT_DIR=$(TA_SDK_DIR) O=$(OBJ_DIR)/tas/$* TA_OUT_DIR=$(TA_DIR) \
		CC="$(CC)" TA_CFLAGS_EXTRA="$(TAS_SAN_CFLAGS)" TA_LDFLAGS_EXTRA="$(LDFLAGS_BASE)"

# The aes_stream TA's commands as C calls, for the C tests and the benchmark
# (a client-side object: built like the simulator's tools, not into a TA).
AES_STREAM_CLIENT_OBJ := $(OBJ_DIR)/tas/aes_stream/client/aes_stream_client.o
AES_STREAM_CLIENT_INC := -I$(NATIVE)/tas/aes_stream/include -I$(NATIVE)/tas/aes_stream/client
$(AES_STREAM_CLIENT_OBJ): CFLAGS_EXTRA := -I$(CLIENT_INCLUDE) $(AES_STREAM_CLIENT_INC)
