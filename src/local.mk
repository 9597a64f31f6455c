# src/local.mk - the program: main() alone; the command line parser in a
# library of its own (tests and the fuzz harness link it).
noinst_LIBRARIES += src/libcli.a
src_libcli_a_SOURCES = src/cli.c src/cli.h src/options.h

bin_PROGRAMS += src/lanes
src_lanes_SOURCES = src/main.c
src_lanes_LDADD = src/libcli.a src/ui/libui.a src/report/libreport.a \
	src/play/libplay.a src/rec/librec.a src/fold/libfold.a src/scn/libscn.a src/rt/liblanes.a $(CURSES_LIBS)
src_lanes_CFLAGS = $(AM_CFLAGS) $(CURSES_CFLAGS)
