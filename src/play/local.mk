# src/play/local.mk - the run driver: one source, one pump, the folds.
noinst_LIBRARIES += src/play/libplay.a
src_play_libplay_a_SOURCES = src/play/play.h src/play/play.c
