# src/play/local.mk - the run driver: sources (a live runtime, a
# recording), one pump, the folds.
noinst_LIBRARIES += src/play/libplay.a
src_play_libplay_a_SOURCES = src/play/play.h src/play/play.c src/play/source_live.c \
	src/play/source_rec.c src/play/source_attach.c

# The sources through the pump: a recording's events, names, messages and
# end; what it refuses; pacing; a cut one; the live source's names.
check_PROGRAMS += tests/check_play
TESTS += tests/check_play
tests_check_play_SOURCES = tests/check_play.c
tests_check_play_CFLAGS = $(TEST_CFLAGS)
tests_check_play_LDADD = src/play/libplay.a src/rec/librec.a src/scn/libscn.a \
	src/rt/liblanes.a $(TEST_LIBS)

# lanes attach on a program started with LANES_CONSOLE (tests/console_prog,
# built in src/rec/local.mk): the screen, its keys acting on the program,
# detaching, the program's exit.
TESTS += tests/tty/attach.sh
EXTRA_DIST += tests/tty/attach.sh
