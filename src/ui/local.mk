# src/ui/local.mk - the terminal user interface (the only curses user).
noinst_LIBRARIES += src/ui/libui.a
src_ui_libui_a_SOURCES = src/ui/ui.h src/ui/ui.c
src_ui_libui_a_CFLAGS = $(AM_CFLAGS) $(CURSES_CFLAGS)
