# src/out/local.mk - headless summary and trace export.
noinst_LIBRARIES += src/out/libout.a
src_out_libout_a_SOURCES = src/out/out.h src/out/headless.c
