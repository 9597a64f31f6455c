# src/rt/chan.mk - channels, select and their tests (part of liblanes.a).
src_rt_liblanes_a_SOURCES += src/rt/chan.c
