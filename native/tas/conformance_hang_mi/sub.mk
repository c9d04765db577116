global-incdirs-y += ../conformance/include
srcs-y += ../conformance/conformance_ta.c
cflags-y += -O3 -DCONF_HANG_IN_CREATE
