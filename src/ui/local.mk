# src/ui/local.mk - the terminal user interface (the only curses user).
noinst_LIBRARIES += src/ui/libui.a
src_ui_libui_a_SOURCES = src/ui/ui.h src/ui/ui.c \
	src/ui/model.h src/ui/model.c src/ui/hist.h src/ui/hist.c src/ui/snap.c \
	src/ui/history.h src/ui/history.c \
	src/ui/draw.h src/ui/draw_int.h src/ui/draw.c src/ui/draw_cell.c \
	src/ui/draw_panel.c src/ui/draw_help.c src/ui/draw_detail.c src/ui/keys.c \
	src/ui/term.h src/ui/term.c \
	src/ui/compare.h src/ui/compare.c src/ui/compare_ui.c src/ui/draw_compare.c
src_ui_libui_a_CFLAGS = $(AM_CFLAGS) $(CURSES_CFLAGS)

UI_TEST_LDADD = src/ui/libui.a src/play/libplay.a src/rec/librec.a src/fold/libfold.a src/scn/libscn.a src/rt/liblanes.a \
	$(CURSES_LIBS) $(TEST_LIBS)

check_PROGRAMS += tests/check_model
TESTS += tests/check_model
tests_check_model_SOURCES = tests/check_model.c tests/modelfeed.h
tests_check_model_CFLAGS = $(TEST_CFLAGS) $(CURSES_CFLAGS)
tests_check_model_LDADD = $(UI_TEST_LDADD)

check_PROGRAMS += tests/check_hist
TESTS += tests/check_hist
tests_check_hist_SOURCES = tests/check_hist.c tests/modelfeed.h
tests_check_hist_CFLAGS = $(TEST_CFLAGS) $(CURSES_CFLAGS)
tests_check_hist_LDADD = $(UI_TEST_LDADD)

check_PROGRAMS += tests/check_draw
TESTS += tests/check_draw
tests_check_draw_SOURCES = tests/check_draw.c tests/modelfeed.h
tests_check_draw_CFLAGS = $(TEST_CFLAGS) $(CURSES_CFLAGS)
tests_check_draw_LDADD = $(UI_TEST_LDADD)

check_PROGRAMS += tests/check_compare
TESTS += tests/check_compare
tests_check_compare_SOURCES = tests/check_compare.c
tests_check_compare_CFLAGS = $(TEST_CFLAGS) $(CURSES_CFLAGS)
tests_check_compare_LDADD = $(UI_TEST_LDADD)

# Terminal tests: lanes inside a private tmux server (skipped without tmux).
UI_TTY_TESTS = tests/tty/start.sh tests/tty/cores.sh tests/tty/pause.sh \
	tests/tty/resize.sh tests/tty/signals.sh tests/tty/suspend.sh \
	tests/tty/nocolor.sh tests/tty/ascii.sh tests/tty/notty.sh \
	tests/tty/mouse.sh tests/tty/trace.sh tests/tty/ended.sh tests/tty/note.sh \
	tests/tty/limit.sh tests/tty/waiting.sh tests/tty/record.sh tests/tty/compare.sh \
	tests/tty/history.sh tests/tty/replay.sh
TESTS += $(UI_TTY_TESTS)
EXTRA_DIST += $(UI_TTY_TESTS) tests/tty/lib.sh
