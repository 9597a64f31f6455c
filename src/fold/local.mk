# src/fold/local.mk - the run state: the fold of the trace event stream
# that the screen model, the summary and the trace writer build on.
noinst_LIBRARIES += src/fold/libfold.a
src_fold_libfold_a_SOURCES = src/fold/cpu.h src/fold/cpu.c \
	src/fold/state.h src/fold/state.c
