# src/scn/local.mk - the scenario language and the built-in scenarios.
noinst_LIBRARIES += src/scn/libscn.a
src_scn_libscn_a_SOURCES = src/scn/stub.c
