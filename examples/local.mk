# examples/local.mk - short programs that use the runtime as an outside
# program would: lanes.h alone, linked against the libtool library
# (liblanes.so in the build tree), so they can call only what it exports.
# make check builds them and checks what they print (examples/run.sh);
# make installcheck builds them again against the installed files.
EXAMPLES = examples/hello examples/pipeline examples/pool
# Users compile these with -Wall -Wextra: the project's -Wno-unused-parameter
# must not hide what they would see.
EXAMPLES_CFLAGS = $(AM_CFLAGS) -Wunused-parameter
check_PROGRAMS += $(EXAMPLES)
examples_hello_SOURCES = examples/hello.c
examples_hello_CPPFLAGS = -I$(top_srcdir)/src/rt
examples_hello_CFLAGS = $(EXAMPLES_CFLAGS)
examples_hello_LDADD = src/rt/liblanes.la
examples_pipeline_SOURCES = examples/pipeline.c
examples_pipeline_CPPFLAGS = -I$(top_srcdir)/src/rt
examples_pipeline_CFLAGS = $(EXAMPLES_CFLAGS)
examples_pipeline_LDADD = src/rt/liblanes.la
examples_pool_SOURCES = examples/pool.c
examples_pool_CPPFLAGS = -I$(top_srcdir)/src/rt
examples_pool_CFLAGS = $(EXAMPLES_CFLAGS)
examples_pool_LDADD = src/rt/liblanes.la
TESTS += examples/run.sh
EXTRA_DIST += examples/run.sh examples/hello.expected examples/pipeline.expected \
	examples/pool.expected

# After make install: each example compiled and linked as the README says,
# with pkg-config and the installed lanes.pc, then run and checked: once
# against liblanes.so, once against liblanes.a.
installcheck-local:
	@rm -rf examples/installcheck && $(MKDIR_P) examples/installcheck
	PKG_CONFIG_PATH='$(DESTDIR)$(libdir)/pkgconfig' LD_LIBRARY_PATH='$(DESTDIR)$(libdir)' \
	PKG_CONFIG='$(PKG_CONFIG) --define-variable=prefix=$(DESTDIR)$(prefix)' \
	CC='$(CC)' CFLAGS='$(CFLAGS) $(LANES_LDFLAGS)' OBJDUMP='$(OBJDUMP)' \
	  $(SHELL) $(srcdir)/examples/run.sh --installed examples/installcheck
	@rm -rf examples/installcheck

# lanes(3) lists every function lanes.h declares, and no other; liblanes.so
# exports exactly those, under a versioned soname.
TESTS += tests/man3.sh tests/exports.sh
EXTRA_DIST += tests/man3.sh tests/exports.sh
