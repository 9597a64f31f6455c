# src/rt/local.mk - the runtime library: src/rt/ alone, public header lanes.h,
# and its tests.  Every runtime source is listed here and nowhere else.
noinst_LIBRARIES += src/rt/liblanes.a
src_rt_liblanes_a_SOURCES = src/rt/lanes.h src/rt/rt_sched.h src/rt/rt_int.h \
	src/rt/runq.h src/rt/sched.c src/rt/time.c src/rt/tracing.c \
	src/rt/home.c src/rt/census.c src/rt/control.c src/rt/os.c src/rt/open.c \
	src/rt/work.c \
	src/rt/ctx.h src/rt/ctx.c src/rt/stack.h src/rt/stack.c \
	src/rt/trace.h src/rt/trace.c src/rt/names.h src/rt/names.c \
	src/rt/ids.h src/rt/ids.c \
	src/rt/rassert.h src/rt/rtdebug.h src/rt/chan.c src/rt/item.c \
	src/rt/annotate.c src/rt/cpu.h src/rt/cpu.c src/rt/console.c

# Scheduler and trace tests (Check); sources in tests/.
if HAVE_CHECK
check_PROGRAMS += tests/check_sched tests/check_trace tests/check_places tests/check_cpu \
	tests/check_limits tests/check_misuse
TESTS += tests/check_sched tests/check_trace tests/check_places tests/check_cpu \
	tests/check_limits tests/check_misuse
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
tests_check_cpu_SOURCES = tests/check_cpu.c
tests_check_cpu_CFLAGS = $(TEST_CFLAGS)
tests_check_cpu_LDADD = src/rt/liblanes.a $(TEST_LIBS)
tests_check_limits_SOURCES = tests/check_limits.c
tests_check_limits_CFLAGS = $(TEST_CFLAGS)
tests_check_limits_LDADD = src/rt/liblanes.a $(TEST_LIBS)
tests_check_misuse_SOURCES = tests/check_misuse.c
tests_check_misuse_CFLAGS = $(TEST_CFLAGS)
tests_check_misuse_LDADD = src/rt/liblanes.a $(TEST_LIBS)

# The figures program of issue 3 (not built; see its header).
EXTRA_DIST += tests/bench/rt-figures.c

# Channel, select and deadlock tests (Check); sources in tests/.
if HAVE_CHECK
check_PROGRAMS += tests/check_chan tests/check_select tests/check_deadlock
TESTS += tests/check_chan tests/check_select tests/check_deadlock
endif
CHAN_TEST_LIBS = src/rt/liblanes.a $(TEST_LIBS)

tests_check_chan_SOURCES = tests/check_chan.c tests/chantest.h
tests_check_chan_CFLAGS = $(TEST_CFLAGS)
tests_check_chan_LDADD = $(CHAN_TEST_LIBS)

tests_check_select_SOURCES = tests/check_select.c tests/chantest.h
tests_check_select_CFLAGS = $(TEST_CFLAGS)
tests_check_select_LDADD = $(CHAN_TEST_LIBS)

tests_check_deadlock_SOURCES = tests/check_deadlock.c tests/chantest.h
tests_check_deadlock_CFLAGS = $(TEST_CFLAGS)
tests_check_deadlock_LDADD = $(CHAN_TEST_LIBS)

# The installed library (libtool's: liblanes.so.N and liblanes.a), built
# from the same sources as the archive above into objects of its own.
# Only the public API, lanes_*, is exported from the shared one; the
# program and the tests keep linking liblanes.a (internal names, no PIC).
lib_LTLIBRARIES += src/rt/liblanes.la
include_HEADERS += src/rt/lanes.h
src_rt_liblanes_la_SOURCES = $(src_rt_liblanes_a_SOURCES)
# Position-independent code costs the switch: initial-exec TLS (rt_tl_* read
# at a fixed offset, not through __tls_get_addr) and no interposition of
# the runtime's own functions (so they inline as in liblanes.a) bring a
# pingpong round trip through liblanes.so within a few ns of the archive's.
src_rt_liblanes_la_CFLAGS = $(AM_CFLAGS) -ftls-model=initial-exec -fno-semantic-interposition
src_rt_liblanes_la_LDFLAGS = -version-info $(LANES_LT_VERSION) -export-symbols-regex '^lanes_'
