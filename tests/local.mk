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
check-local:
	@for f in $(TESTS); do \
	  test -f "$$f.log" && sed -n 's/^\([0-9]*%: Checks: .*\)/'"$${f##*/}"': \1/p' "$$f.log"; \
	done; true
