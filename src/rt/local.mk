# src/rt/local.mk - the runtime library: src/rt/ alone, public header lanes.h.
noinst_LIBRARIES += src/rt/liblanes.a
src_rt_liblanes_a_SOURCES = src/rt/lanes.h src/rt/stub.c
