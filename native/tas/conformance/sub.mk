global-incdirs-y += include
srcs-y += conformance_ta.c
# CONF_CMD_TOUCH is the benchmark's per-byte work: let the loop vectorize so
# the numbers measure the transport, not a scalar byte loop.
cflags-y += -O3
