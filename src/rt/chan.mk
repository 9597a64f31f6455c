# src/rt/chan.mk - channels, select and their tests (part of liblanes.a).
src_rt_liblanes_a_SOURCES += src/rt/chan.c

# Channel, select and deadlock tests (Check); sources in tests/.
if HAVE_CHECK
check_PROGRAMS += tests/check_chan tests/check_select tests/check_deadlock
TESTS += tests/check_chan tests/check_select tests/check_deadlock
endif
CHAN_TEST_LIBS = src/rt/liblanes.a $(TEST_LIBS)

tests_check_chan_SOURCES = tests/check_chan.c tests/chantest.h
tests_check_chan_CFLAGS = $(TEST_CFLAGS)
tests_check_chan_LDADD = $(CHAN_TEST_LIBS)

tests_check_select_SOURCES = tests/check_select.c tests/chantest.h
tests_check_select_CFLAGS = $(TEST_CFLAGS)
tests_check_select_LDADD = $(CHAN_TEST_LIBS)

tests_check_deadlock_SOURCES = tests/check_deadlock.c tests/chantest.h
tests_check_deadlock_CFLAGS = $(TEST_CFLAGS)
tests_check_deadlock_LDADD = $(CHAN_TEST_LIBS)
