# rx-teec TA dev kit: builds one TA into <uuid>.ta, the OP-TEE way.
#
# A TA directory holds:
#   Makefile    BINARY = <uuid>
#               include $(TA_DEV_KIT_DIR)/mk/ta_dev_kit.mk
#   sub.mk      srcs-y += foo.c            sources (relative to sub.mk)
#               global-incdirs-y += include   include dirs (incdirs-y too)
#               cflags-y += -DFOO          extra compiler flags
#               subdirs-y += lib           directories with their own sub.mk (one level)
#   user_ta_header_defines.h   in the TA directory or an include dir
#
# Variables the caller may set:
#   TA_DEV_KIT_DIR   this SDK (the directory holding mk/ and include/)
#   O                where objects go (default: out, under the TA directory)
#   TA_OUT_DIR       where <uuid>.ta goes (default: $(O))
#   CC / CROSS_COMPILE
#   CFG_TEE_TA_LOG_LEVEL   1 error .. 4 flow (default 1), sets TRACE_LEVEL
#   LDADD            extra libraries for the TA (e.g. -lcrypto)
#   TA_CFLAGS_EXTRA / TA_LDFLAGS_EXTRA   e.g. sanitizer flags
#
# TA entry points and tee_sim_ta_head are the only exported symbols;
# TEE_* calls resolve against the simulator's TA host when it loads the TA.

ifeq ($(BINARY),)
$(error BINARY (the TA's UUID) is not set)
endif
ifeq ($(TA_DEV_KIT_DIR),)
$(error TA_DEV_KIT_DIR is not set)
endif

ta-dev-kit := $(abspath $(TA_DEV_KIT_DIR))
ta-dir     := $(abspath $(CURDIR))
O          ?= out
ta-obj-dir := $(abspath $(O))
TA_OUT_DIR ?= $(O)
ta-out-dir := $(abspath $(TA_OUT_DIR))
ta-binary  := $(ta-out-dir)/$(BINARY).ta

ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
CFG_TEE_TA_LOG_LEVEL ?= 1

# ---- Read sub.mk files (the TA directory's, then its subdirs-y, one level) ----
ta-srcs    :=
ta-incdirs :=
ta-cflags  :=

define ta-read-submk
srcs-y :=
global-incdirs-y :=
incdirs-y :=
cflags-y :=
cppflags-y :=
subdirs-y :=
include $(1)/sub.mk
ta-srcs    += $$(abspath $$(addprefix $(1)/,$$(srcs-y)))
ta-incdirs += $$(abspath $$(addprefix $(1)/,$$(global-incdirs-y) $$(incdirs-y)))
ta-cflags  += $$(cflags-y) $$(cppflags-y)
ta-subdirs-$(1) := $$(subdirs-y)
endef

$(eval $(call ta-read-submk,$(ta-dir)))
$(foreach d,$(ta-subdirs-$(ta-dir)),$(eval $(call ta-read-submk,$(abspath $(ta-dir)/$(d)))))

ta-srcs += $(ta-dev-kit)/src/ta_header.c

ta-all-cflags := -std=gnu11 -O2 -g -fPIC -fvisibility=hidden \
	-Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE \
	-DCFG_TEE_TA_LOG_LEVEL=$(CFG_TEE_TA_LOG_LEVEL) \
	-I$(ta-dir) $(addprefix -I,$(ta-incdirs)) \
	-I$(ta-dev-kit)/include -I$(ta-dev-kit)/src \
	$(ta-cflags) $(TA_CFLAGS_EXTRA)

ta-ldflags := -shared -Wl,--version-script=$(ta-dev-kit)/mk/ta.map \
	-Wl,-z,noexecstack $(TA_LDFLAGS_EXTRA)

# One object per source; the path (relative to the TA directory when inside
# it) is flattened so sources elsewhere (../common/foo.c) cannot collide or
# escape $(O). The TA is linked under a unique name and renamed into place, so
# a concurrent build never sees (or loads) a half-written .ta.
ta-obj = $(ta-obj-dir)/$(subst /,_,$(patsubst /%,%,$(patsubst $(ta-dir)/%,%,$(1)))).o
ta-objs := $(foreach s,$(ta-srcs),$(call ta-obj,$(s)))

.PHONY: all clean
all: $(ta-binary)

# Objects also depend on the files that set their flags.
ta-flag-files := $(wildcard $(ta-dir)/Makefile $(ta-dir)/sub.mk \
	$(foreach d,$(ta-subdirs-$(ta-dir)),$(ta-dir)/$(d)/sub.mk))

define ta-compile-rule
$(call ta-obj,$(1)): $(1) $(ta-flag-files)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(ta-all-cflags) -MMD -MP -c $$< -o $$@
endef
$(foreach s,$(ta-srcs),$(eval $(call ta-compile-rule,$(s))))

$(ta-binary): $(ta-objs) $(ta-dev-kit)/mk/ta.map
	@mkdir -p $(dir $@)
	$(CC) $(ta-ldflags) -o $@.tmp.$$$$ $(ta-objs) $(LDADD) && mv -f $@.tmp.$$$$ $@

clean:
	rm -f $(ta-objs) $(ta-objs:.o=.d) $(ta-binary)

-include $(ta-objs:.o=.d)
