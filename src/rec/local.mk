# src/rec/local.mk - recordings: the file format, its writer and reader.
# Depends on src/rt/lanes.h only (lanes_event); no runtime code is linked.
noinst_LIBRARIES += src/rec/librec.a
src_rec_librec_a_SOURCES = src/rec/rec.h src/rec/rec_int.h src/rec/format.c \
	src/rec/write.c src/rec/read.c \
	src/rec/console.h src/rec/console_read.c

# Round trips, truncations, flipped bytes, future versions.
check_PROGRAMS += tests/check_rec
TESTS += tests/check_rec
tests_check_rec_SOURCES = tests/check_rec.c
tests_check_rec_CFLAGS = $(TEST_CFLAGS)
tests_check_rec_LDADD = src/rec/librec.a $(TEST_LIBS)

# The reader under a fuzzer (make fuzz-rec), and its corpus replayed by
# make check with any compiler.
check_PROGRAMS += tests/fuzz/replay_rec
TESTS += tests/fuzz/replay_rec
tests_fuzz_replay_rec_SOURCES = tests/fuzz/fuzz_rec.c tests/fuzz/replay.c
tests_fuzz_replay_rec_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"rec"'
tests_fuzz_replay_rec_LDADD = src/rec/librec.a
EXTRA_DIST += tests/fuzz/corpus/rec

if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_rec
tests_fuzz_fuzz_rec_SOURCES = tests/fuzz/fuzz_rec.c
tests_fuzz_fuzz_rec_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_rec_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_rec_LDADD = src/rec/librec.a
fuzz-rec: tests/fuzz/fuzz_rec
	$(MKDIR_P) fuzz-out/rec
	tests/fuzz/fuzz_rec -max_total_time=$${FUZZ_SECONDS:-60} -max_len=4096 \
	  fuzz-out/rec $(srcdir)/tests/fuzz/corpus/rec
else
fuzz-rec:
	@echo "make fuzz-rec needs: configure --enable-fuzzing CC=clang" >&2; exit 1
endif
fuzz: fuzz-rec
.PHONY: fuzz-rec

# Every built-in recorded live, then replayed headless: the same JSON
# summary, exit status and trace; broken recordings exit 2 (the program).
TESTS += tests/replay.sh
EXTRA_DIST += tests/replay.sh

# A program's console (src/rt/console.c) and the viewer's reader
# (console_read.c): handshake, control, bad peers, another user.
check_PROGRAMS += tests/check_console tests/console_prog
TESTS += tests/check_console
tests_check_console_SOURCES = tests/check_console.c
tests_check_console_CFLAGS = $(TEST_CFLAGS)
tests_check_console_LDADD = src/rec/librec.a src/rt/liblanes.a $(TEST_LIBS)
# the program the attach test (tests/tty/attach.sh) attaches to
tests_console_prog_SOURCES = tests/console_prog.c
tests_console_prog_LDADD = src/rt/liblanes.a

# The console stream reader under a fuzzer (make fuzz-console), and its
# corpus replayed by make check with any compiler.
check_PROGRAMS += tests/fuzz/replay_console
TESTS += tests/fuzz/replay_console
tests_fuzz_replay_console_SOURCES = tests/fuzz/fuzz_console.c tests/fuzz/replay.c
tests_fuzz_replay_console_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"console"'
tests_fuzz_replay_console_LDADD = src/rec/librec.a
EXTRA_DIST += tests/fuzz/corpus/console
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_console
tests_fuzz_fuzz_console_SOURCES = tests/fuzz/fuzz_console.c
tests_fuzz_fuzz_console_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_console_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_console_LDADD = src/rec/librec.a
fuzz-console: tests/fuzz/fuzz_console
	$(MKDIR_P) fuzz-out/console
	tests/fuzz/fuzz_console -max_total_time=$${FUZZ_SECONDS:-60} -max_len=8192 \
	  fuzz-out/console $(srcdir)/tests/fuzz/corpus/console
else
fuzz-console:
	@echo "make fuzz-console needs: configure --enable-fuzzing CC=clang" >&2; exit 1
endif
fuzz: fuzz-console
.PHONY: fuzz-console
