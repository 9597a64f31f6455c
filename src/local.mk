# src/local.mk - the program: main() alone, everything else from the layers.
bin_PROGRAMS += src/lanes
src_lanes_SOURCES = src/main.c src/options.h
src_lanes_LDADD = src/ui/libui.a src/out/libout.a src/scn/libscn.a src/rt/liblanes.a \
	$(CURSES_LIBS)
src_lanes_CFLAGS = $(AM_CFLAGS) $(CURSES_CFLAGS)

# The item-done event: a runtime file kept apart from the scheduler's fragment.
src_rt_liblanes_a_SOURCES += src/rt/item.c
