# src/scn/local.mk - the scenario language, the built-in scenarios, and
# their tests and fuzz harness.
noinst_LIBRARIES += src/scn/libscn.a
src_scn_libscn_a_SOURCES = src/scn/scn.h src/scn/scn_int.h src/scn/parse_int.h \
	src/scn/lex.c src/scn/diag.c src/scn/parse.c src/scn/check.c \
	src/scn/steps.c src/scn/load.c src/scn/interp.c src/scn/reach.c
nodist_src_scn_libscn_a_SOURCES = src/scn/builtin-data.c

# The built-in scenarios, in `lanes --list` order (restaurant first): they
# are compiled into the program and also installed for people to copy.
SCN_SCENARIOS = \
	assets/scenarios/restaurant.lanes assets/scenarios/timeslice.lanes \
	assets/scenarios/pipeline.lanes assets/scenarios/workers.lanes \
	assets/scenarios/pingpong.lanes assets/scenarios/io.lanes \
	assets/scenarios/hog.lanes assets/scenarios/amdahl.lanes \
	assets/scenarios/deadlock.lanes assets/scenarios/lesson.lanes \
	assets/scenarios/smartphone.lanes assets/scenarios/philosophers.lanes \
	assets/scenarios/philosophers-fixed.lanes assets/scenarios/buffer.lanes
scenariosdir = $(pkgdatadir)/scenarios
dist_scenarios_DATA = $(SCN_SCENARIOS)
EXTRA_DIST += src/scn/embed.awk
BUILT_SOURCES += src/scn/builtin-data.c
CLEANFILES += src/scn/builtin-data.c

src/scn/builtin-data.c: $(SCN_SCENARIOS) src/scn/embed.awk
	$(AM_V_GEN)$(MKDIR_P) src/scn && \
	files=; for f in $(SCN_SCENARIOS); do files="$$files $(srcdir)/$$f"; done; \
	LC_ALL=C $(AWK) -f $(srcdir)/src/scn/embed.awk $$files > $@-t && mv $@-t $@

# Tests: the parser (no runtime needed) and the interpreter on the runtime.
SCN_TEST_LIBS = src/scn/libscn.a src/rt/liblanes.a $(TEST_LIBS)
check_PROGRAMS += tests/check_scn
TESTS += tests/check_scn
tests_check_scn_SOURCES = tests/check_scn.c
tests_check_scn_CFLAGS = $(TEST_CFLAGS)
tests_check_scn_LDADD = $(SCN_TEST_LIBS)

# The parser's fuzz corpus, replayed by make check with any compiler.
check_PROGRAMS += tests/fuzz/replay_parse
TESTS += tests/fuzz/replay_parse
tests_fuzz_replay_parse_SOURCES = tests/fuzz/fuzz_parse.c tests/fuzz/replay.c
tests_fuzz_replay_parse_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"parse"'
tests_fuzz_replay_parse_LDADD = src/scn/libscn.a src/rt/liblanes.a
EXTRA_DIST += tests/fuzz/corpus/parse tests/fuzz/lanes.dict

# make fuzz-parse: libFuzzer on the parser (configure --enable-fuzzing
# CC=clang).  The parser's sources are compiled into the fuzzer itself so
# that libFuzzer sees their coverage.
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_parse
tests_fuzz_fuzz_parse_SOURCES = tests/fuzz/fuzz_parse.c \
	src/scn/lex.c src/scn/diag.c src/scn/parse.c src/scn/check.c \
	src/scn/steps.c src/scn/load.c src/scn/interp.c src/scn/reach.c
nodist_tests_fuzz_fuzz_parse_SOURCES = src/scn/builtin-data.c
tests_fuzz_fuzz_parse_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_parse_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_parse_LDADD = src/rt/liblanes.a
fuzz-parse: tests/fuzz/fuzz_parse
	$(MKDIR_P) fuzz-out/parse
	tests/fuzz/fuzz_parse -max_total_time=$${FUZZ_SECONDS:-60} \
	  -dict=$(srcdir)/tests/fuzz/lanes.dict fuzz-out/parse $(srcdir)/tests/fuzz/corpus/parse
else
fuzz-parse:
	@echo "make fuzz-parse needs: configure --enable-fuzzing CC=clang" >&2; exit 1
endif
# `make fuzz` runs every harness; others add theirs as prerequisites too.
fuzz: fuzz-parse
.PHONY: fuzz fuzz-parse

check_PROGRAMS += tests/check_interp
TESTS += tests/check_interp
tests_check_interp_SOURCES = tests/check_interp.c
tests_check_interp_CFLAGS = $(TEST_CFLAGS)
tests_check_interp_LDADD = $(SCN_TEST_LIBS)
