# src/rt/local.mk - the runtime library: src/rt/ alone, public header lanes.h.
noinst_LIBRARIES += src/rt/liblanes.a
src_rt_liblanes_a_SOURCES = src/rt/lanes.h src/rt/rt_sched.h src/rt/rt_int.h \
	src/rt/runq.h src/rt/sched.c src/rt/time.c src/rt/tracing.c \
	src/rt/home.c src/rt/census.c src/rt/control.c src/rt/os.c src/rt/open.c \
	src/rt/ctx.h src/rt/ctx.c src/rt/stack.h src/rt/stack.c \
	src/rt/trace.h src/rt/trace.c src/rt/names.h src/rt/names.c \
	src/rt/rassert.h src/rt/rtdebug.h

# Scheduler and trace tests (Check); sources in tests/.
if HAVE_CHECK
check_PROGRAMS += tests/check_sched tests/check_trace tests/check_places
TESTS += tests/check_sched tests/check_trace tests/check_places
endif
tests_check_sched_SOURCES = tests/check_sched.c tests/testutil.h
tests_check_sched_CFLAGS = $(TEST_CFLAGS)
tests_check_sched_LDADD = src/rt/liblanes.a $(TEST_LIBS)
tests_check_trace_SOURCES = tests/check_trace.c tests/testutil.h
tests_check_trace_CFLAGS = $(TEST_CFLAGS)
tests_check_trace_LDADD = src/rt/liblanes.a $(TEST_LIBS)
tests_check_places_SOURCES = tests/check_places.c
tests_check_places_CFLAGS = $(TEST_CFLAGS)
tests_check_places_LDADD = src/rt/liblanes.a $(TEST_LIBS)

# The figures program of issue 3 (not built; see its header).
EXTRA_DIST += tests/bench/rt-figures.c
