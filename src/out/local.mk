# src/out/local.mk - headless summary and trace export.
noinst_LIBRARIES += src/out/libout.a
src_out_libout_a_SOURCES = src/out/out.h src/out/headless.c \
	src/out/cpu.h src/out/cpu.c \
	src/out/summary.h src/out/summary.c src/out/summary_print.c \
	src/out/trace_json.c src/out/json.c src/out/rt_names.c \
	src/out/record.h src/out/record.c \
	src/out/sweep.h src/out/sweep.c src/out/sweep_run.c

# The folds fed with synthetic events: no runtime needed.
check_PROGRAMS += tests/check_out
TESTS += tests/check_out
tests_check_out_SOURCES = tests/check_out.c tests/check_out_json.c tests/check_out_json.h
tests_check_out_CFLAGS = $(TEST_CFLAGS)
tests_check_out_LDADD = src/out/libout.a $(TEST_LIBS)

# Headless runs of the built program: exact counts of every built-in
# scenario, deadlock, trace files and their write errors.
check_PROGRAMS += tests/check_headless
TESTS += tests/check_headless
tests_check_headless_SOURCES = tests/check_headless.c tests/check_out_json.c \
	tests/check_out_json.h tests/testutil.h
tests_check_headless_CFLAGS = $(TEST_CFLAGS)
tests_check_headless_LDADD = src/scn/libscn.a src/rt/liblanes.a $(TEST_LIBS)

# Parallelism is CPU time over wall time: at most about one CPU for four
# lanes pinned to one (taskset), at least 1.3 on two free CPUs (skipped on
# fewer CPUs or a machine the runtime measured busy).
TESTS += tests/parallel_1cpu.sh tests/parallel_2cpu.sh
EXTRA_DIST += tests/parallel_1cpu.sh tests/parallel_2cpu.sh

# --sweep's comparison on made-up rows: Karp-Flatt, the table, plot, JSON.
check_PROGRAMS += tests/check_sweep
TESTS += tests/check_sweep
tests_check_sweep_SOURCES = tests/check_sweep.c tests/check_out_json.c tests/check_out_json.h
tests_check_sweep_CFLAGS = $(TEST_CFLAGS)
tests_check_sweep_LDADD = src/out/libout.a $(TEST_LIBS)
