# tests/bench/local.mk - benchmarks (issue 7).  Never built by `make` or
# `make check`:
#   make bench           build and run tests/bench/lanes-bench (BENCH_FLAGS=...)
#   make bench-peers     build and run the Go peers of workloads 1-7 (needs go)
#   make bench-compare   both, workload by workload, alternately; ratios
EXTRA_PROGRAMS = tests/bench/lanes-bench
tests_bench_lanes_bench_SOURCES = tests/bench/lanes-bench.c tests/bench/ui-bench.c \
	tests/bench/bench.h
tests_bench_lanes_bench_CPPFLAGS = -I$(top_srcdir)/src -iquote $(top_srcdir)/src/rt -I$(top_builddir)
tests_bench_lanes_bench_CFLAGS = $(AM_CFLAGS) $(CURSES_CFLAGS)
tests_bench_lanes_bench_LDADD = src/ui/libui.a src/fold/libfold.a src/scn/libscn.a src/rt/liblanes.a \
	$(CURSES_LIBS)
EXTRA_DIST += tests/bench/peers/main.go tests/bench/compare.sh
CLEANFILES += tests/bench/lanes-peers

GO ?= go
BENCH_FLAGS ?=
PEERS_FLAGS ?=
BENCH_ROUNDS ?= 2

bench: tests/bench/lanes-bench$(EXEEXT)
	tests/bench/lanes-bench$(EXEEXT) $(BENCH_FLAGS)

# The peers are optional: skipped, with a word, where Go is not installed.
tests/bench/lanes-peers: $(srcdir)/tests/bench/peers/main.go
	@$(MKDIR_P) tests/bench
	$(AM_V_GEN)GO111MODULE=off $(GO) build -o $@ $(srcdir)/tests/bench/peers/main.go

bench-peers:
	@if command -v $(GO) >/dev/null 2>&1; then \
	  $(MAKE) $(AM_MAKEFLAGS) tests/bench/lanes-peers && \
	  tests/bench/lanes-peers $(PEERS_FLAGS); \
	else \
	  echo "bench-peers: skipped: '$(GO)' not found (Debian: apt-get install golang-go)"; \
	fi

bench-compare: tests/bench/lanes-bench$(EXEEXT)
	@if command -v $(GO) >/dev/null 2>&1; then \
	  $(MAKE) $(AM_MAKEFLAGS) tests/bench/lanes-peers; \
	  peers=tests/bench/lanes-peers; \
	else \
	  echo "bench-compare: '$(GO)' not found: lanes column only (Debian: apt-get install golang-go)"; \
	  peers=; \
	fi; \
	$(SHELL) $(srcdir)/tests/bench/compare.sh tests/bench/lanes-bench$(EXEEXT) "$$peers" \
	  $(BENCH_ROUNDS) $(BENCH_FLAGS)

.PHONY: bench bench-peers bench-compare
