# tests/local.mk - tests of the command line; each layer's own tests live in
# its fragment (src/*/local.mk) but their sources sit here in tests/.
TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
TEST_LIBS   = $(CHECK_LIBS)

check_PROGRAMS += tests/check_cli
TESTS += tests/check_cli
tests_check_cli_SOURCES = tests/check_cli.c tests/testutil.h
tests_check_cli_CFLAGS = $(TEST_CFLAGS)
tests_check_cli_LDADD = $(TEST_LIBS)

# Show each Check program's closing summary after the run.
check-local: check-TESTS
	@for f in $(TESTS); do \
	  test -f "$$f.log" && sed -n 's/^\([0-9]*%: Checks: .*\)/'"$${f##*/}"': \1/p' "$$f.log"; \
	done; true

# Replay the command-line fuzz corpus with any compiler.
check_PROGRAMS += tests/fuzz/replay_cli
TESTS += tests/fuzz/replay_cli
tests_fuzz_replay_cli_SOURCES = tests/fuzz/fuzz_cli.c tests/fuzz/replay.c
tests_fuzz_replay_cli_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"cli"'
tests_fuzz_replay_cli_LDADD = src/libcli.a src/scn/libscn.a src/rt/liblanes.a
EXTRA_DIST += tests/fuzz/corpus/cli

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_cli
tests_fuzz_fuzz_cli_SOURCES = tests/fuzz/fuzz_cli.c
tests_fuzz_fuzz_cli_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_cli_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_cli_LDADD = src/libcli.a src/scn/libscn.a src/rt/liblanes.a
fuzz-cli: tests/fuzz/fuzz_cli
	$(MKDIR_P) fuzz-out/cli
	tests/fuzz/fuzz_cli -max_total_time=$${FUZZ_SECONDS:-60} -max_len=256 \
	  fuzz-out/cli $(srcdir)/tests/fuzz/corpus/cli
else
fuzz-cli:
	@echo "make fuzz-cli needs: configure --enable-fuzzing CC=clang" >&2; exit 1
endif
fuzz: fuzz-cli
.PHONY: fuzz-cli

# Deliberate bugs inside routines that each build must catch (bites.sh).
check_PROGRAMS += tests/bite
tests_bite_SOURCES = tests/bite.c
tests_bite_LDADD = src/rt/liblanes.a
TESTS += tests/bites.sh
EXTRA_DIST += tests/bites.sh tests/valgrind.sh tests/tty/soak.sh

# Faults headless: stacks that cannot be mapped (ulimit -v), lanes that
# cannot be created (RLIMIT_NPROC).
TESTS += tests/faults.sh
EXTRA_DIST += tests/faults.sh
EXTRA_DIST += tests/arm64.sh tests/arm64-driver.c   # aarch64 under qemu, by hand

# Conservation under load: 1,000 routines while the core count changes.
check_PROGRAMS += tests/check_stress
TESTS += tests/check_stress
tests_check_stress_SOURCES = tests/check_stress.c
tests_check_stress_CFLAGS = $(TEST_CFLAGS)
tests_check_stress_LDADD = src/report/libreport.a src/fold/libfold.a src/scn/libscn.a src/rt/liblanes.a $(TEST_LIBS)

# The terminal test of the ends that leave no terminal to restore: a second
# fatal signal in the crash handler, a vanished terminal under nohup.
TESTS += tests/tty/vanish.sh
EXTRA_DIST += tests/tty/vanish.sh

# Chaos: every built-in scenario while cores, pause, steps, quantum and
# tick change at random; what each run implies must match a calm run's.
# make check runs it for 2 s (LANES_CHAOS_SECONDS), .ci/run for minutes.
check_PROGRAMS += tests/chaos
TESTS += tests/chaos
tests_chaos_SOURCES = tests/chaos.c
tests_chaos_LDADD = src/report/libreport.a src/fold/libfold.a src/scn/libscn.a src/rt/liblanes.a

# The built-ins keep the word of their about lines: ticks to finish at 1
# and 4 cores, exit status and counts (skips what a busy machine cannot tell).
TESTS += tests/claims.sh
EXTRA_DIST += tests/claims.sh

# --sweep on real CPUs: no speedup on one CPU, 2 cores beat 1 on two (skips
# what a busy machine cannot tell), the JSON's shape, the text's marks.
TESTS += tests/sweep.sh
EXTRA_DIST += tests/sweep.sh

# DESIGN's promise that the three folds agree: every built-in at 1 and 4
# cores, its lossless stream recorded once and fed to the screen model,
# the summary and the trace writer; and a fold broken on purpose is caught.
check_PROGRAMS += tests/check_agree
TESTS += tests/check_agree
tests_check_agree_SOURCES = tests/check_agree.c
tests_check_agree_CFLAGS = $(TEST_CFLAGS)
tests_check_agree_LDADD = src/ui/libui.a src/report/libreport.a src/play/libplay.a src/rec/librec.a \
	src/fold/libfold.a src/scn/libscn.a src/rt/liblanes.a $(TEST_LIBS)
