# src/report/local.mk - headless summary and trace export.
noinst_LIBRARIES += src/report/libreport.a
src_report_libreport_a_SOURCES = src/report/out.h src/report/headless.c \
	src/report/summary.h src/report/summary.c src/report/summary_print.c \
	src/report/trace_json.c src/report/json.c src/report/rt_names.c \
	src/report/folds.c src/report/record.h src/report/record.c \
	src/report/sweep.h src/report/sweep.c src/report/sweep_run.c

# The folds fed with synthetic events: no runtime needed.
check_PROGRAMS += tests/check_out
TESTS += tests/check_out
tests_check_out_SOURCES = tests/check_out.c tests/check_out_json.c tests/check_out_json.h
tests_check_out_CFLAGS = $(TEST_CFLAGS)
tests_check_out_LDADD = src/report/libreport.a src/fold/libfold.a $(TEST_LIBS)

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
tests_check_sweep_LDADD = src/report/libreport.a src/fold/libfold.a $(TEST_LIBS)
