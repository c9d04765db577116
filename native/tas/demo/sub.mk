global-incdirs-y += include
srcs-y += demo_ta.c
