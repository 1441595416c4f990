# signalsc: build, test and demo. `make help` lists the targets.
#
# Sources are picked up by wildcard: src/*.c (but src/main.c and src/cli/*.c only go into
# the CLI), backends/*/*.c, grammar/signals.{l,y}.

CC      ?= cc
BUILD   ?= build
PYTHON  ?= python3
VENV    ?= .venv

WARN    = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wwrite-strings -Wpointer-arith -Wcast-qual -Wformat=2 -Wundef \
          -Wold-style-definition -Wvla -Wnull-dereference -Wimplicit-fallthrough
CSTD    = -std=c11 -D_POSIX_C_SOURCE=200809L
OPT     ?= -O2 -g
# Three include boundaries, enforced by the compiler:
#   LIB_CFLAGS   the library's own sources see its private headers;
#   CLI_CFLAGS   the CLI (src/main.c, src/cli/) sees only the public include/signals/;
#   TEST_CFLAGS  unit tests that test internals see the private headers too.
# -MMD -MP write a .d file of header dependencies beside each object (GCC
# manual, "Options Controlling the Preprocessor"), included at the end.
# Library objects are position-independent (they also go into the shared
# library) and hidden by default: only declarations marked SIG_API in
# include/signals/ are exported (GCC wiki, "Visibility").
DEPFLAGS   = -MMD -MP
LIB_CFLAGS = $(CSTD) $(WARN) $(OPT) $(DEPFLAGS) -fPIC -fvisibility=hidden \
          -Iinclude -Isrc -Ibackends -I$(BUILD)/gen $(CFLAGS)
CLI_CFLAGS = $(CSTD) $(WARN) $(OPT) $(DEPFLAGS) -Iinclude $(CFLAGS)
TEST_CFLAGS = $(CSTD) $(WARN) $(OPT) $(DEPFLAGS) -Iinclude -Isrc -Ibackends -Itests/unit $(CFLAGS)
# Generated scanner/parser code: bison and flex output trips a few warnings
# that are not ours to fix.
GEN_CFLAGS = $(CSTD) -Wall -Wextra -Werror -Wno-unused-function -Wno-sign-compare \
          -Wno-unused-parameter -Wno-null-dereference $(OPT) $(DEPFLAGS) -fPIC -fvisibility=hidden \
          -Iinclude -Isrc -I$(BUILD)/gen $(CFLAGS)
# libcurl is not linked: the API client dlopen()s it on first use
# (backends/client/client.c), so the compiler's commands start without it.
# libyaml reads snowplow.yml (small, and relocated at start).
LDLIBS  = -lcjson -lyaml -ldl -lm

LIB_SRC   = $(filter-out src/main.c,$(wildcard src/*.c)) $(wildcard backends/*/*.c)
LIB_OBJ   = $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC)) $(BUILD)/obj/gen/parser.o $(BUILD)/obj/gen/scanner.o
UNIT_SRC  = $(wildcard tests/unit/*.c)
UNIT_OBJ  = $(patsubst %.c,$(BUILD)/obj/%.o,$(UNIT_SRC))
UNIT_BIN  = $(BUILD)/unit_tests
CLI_SRC   = src/main.c $(wildcard src/cli/*.c)
CLI_OBJ   = $(patsubst %.c,$(BUILD)/obj/%.o,$(CLI_SRC))
ALL_OBJ   = $(LIB_OBJ) $(CLI_OBJ) $(UNIT_OBJ)

# The version, soname and install layout (GNU Coding Standards, "Directory
# Variables"; DESTDIR stages the tree for packaging).
VERSION   := $(shell sed -n 's/^\#define SIGNALS_VERSION "\(.*\)"/\1/p' include/signals/signals.h)
SOMAJOR   = $(firstword $(subst ., ,$(VERSION)))
SONAME    = libsignals.so.$(SOMAJOR)
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBDIR    ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR    ?= $(PREFIX)/share/man
INSTALL   ?= install

.PHONY: all help deps venv build install uninstall docs test test-unit test-golden test-integration test-sanitize test-grammars demo bench clean golden-update fuzz fuzz-build

all: build

help:
	@echo "make build            build $(BUILD)/signalsc, $(BUILD)/libsignals.a and $(BUILD)/libsignals.so"
	@echo "make install          install the CLI, the libraries, headers, libsignals.pc and man pages"
	@echo "                      (PREFIX=$(PREFIX), DESTDIR= to stage); make uninstall removes them"
	@echo "make demo             install what is missing, build, run the example on DuckDB, print attributes"
	@echo "make test             install what is missing, then unit, golden, sanitizer and integration tests"
	@echo "make golden-update    regenerate golden expectations (review the diff!)"
	@echo "make test-grammars    test the editor grammars in editors/ (tree-sitter, TextMate; needs npm)"
	@echo "make bench            run the compiler benchmarks (bench/)"
	@echo "make docs             regenerate docs/diagnostics.md and docs/aggregations.md from the tables"
	@echo "make fuzz             build the libFuzzer harnesses (clang) and run each FUZZ_SECONDS (60)"

# --- set-up -----------------------------------------------------------------
deps:
	@sh scripts/install-deps.sh

venv: deps
	@sh scripts/setup-venv.sh $(VENV)

# --- build ------------------------------------------------------------------
build: $(BUILD)/signalsc $(BUILD)/libsignals.a $(BUILD)/libsignals.so

# bison and flex each write two files in one run: grouped targets (`&:`,
# GNU make manual, "Multiple Targets in a Rule", make 4.3+) so that make -j
# runs each tool once, not once per output.
$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h &: grammar/signals.y
	@mkdir -p $(BUILD)/gen
	bison -Wall -Werror --defines=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/scanner.c $(BUILD)/gen/scanner.h &: grammar/signals.l
	@mkdir -p $(BUILD)/gen
	flex -Cf --header-file=$(BUILD)/gen/scanner.h -o $(BUILD)/gen/scanner.c $<

# The generated headers must exist before the first compile of either
# generated file; later, the .d files list them too.
$(BUILD)/obj/gen/parser.o: $(BUILD)/gen/parser.c $(BUILD)/gen/scanner.h
	@mkdir -p $(dir $@)
	$(CC) $(GEN_CFLAGS) -c -o $@ $<

$(BUILD)/obj/gen/scanner.o: $(BUILD)/gen/scanner.c $(BUILD)/gen/parser.h
	@mkdir -p $(dir $@)
	$(CC) $(GEN_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -c -o $@ $<

# The CLI is a client of the library: public headers only.
$(CLI_OBJ): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CLI_CFLAGS) -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(BUILD)/libsignals.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# -z defs: every symbol the library uses must resolve at link time (ld manual).
$(BUILD)/libsignals.so: $(LIB_OBJ)
	$(CC) $(CFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,-z,defs $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The CLI links the static library: nothing to find at run time.
$(BUILD)/signalsc: $(CLI_OBJ) $(BUILD)/libsignals.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(UNIT_BIN): $(UNIT_OBJ) $(BUILD)/libsignals.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

-include $(ALL_OBJ:.o=.d)

# The compiler flags live here: objects built with other flags (or before
# there were .d files) are rebuilt.
$(ALL_OBJ): Makefile

# --- install ------------------------------------------------------------------
# libsignals.pc is written from libsignals.pc.in at install time, with the
# directories of this install (pkg-config(1): the .pc file format).
PUBLIC_H = $(notdir $(wildcard include/signals/*.h include/signals/*.def))

install: build
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(INCLUDEDIR)/signals $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	$(INSTALL) -m 755 $(BUILD)/signalsc $(DESTDIR)$(BINDIR)/signalsc
	$(INSTALL) -m 644 $(BUILD)/libsignals.a $(DESTDIR)$(LIBDIR)/libsignals.a
	$(INSTALL) -m 755 $(BUILD)/libsignals.so $(DESTDIR)$(LIBDIR)/libsignals.so.$(VERSION)
	ln -sf libsignals.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libsignals.so
	$(INSTALL) -m 644 $(addprefix include/signals/,$(PUBLIC_H)) $(DESTDIR)$(INCLUDEDIR)/signals/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	    -e 's|@VERSION@|$(VERSION)|g' libsignals.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libsignals.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/libsignals.pc
	$(INSTALL) -m 644 man/signalsc.1 $(DESTDIR)$(MANDIR)/man1/signalsc.1
	$(INSTALL) -m 644 man/signals.5 $(DESTDIR)$(MANDIR)/man5/signals.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/signalsc $(DESTDIR)$(LIBDIR)/libsignals.a \
	    $(DESTDIR)$(LIBDIR)/libsignals.so $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libsignals.so.$(VERSION) $(DESTDIR)$(PKGCONFIGDIR)/libsignals.pc \
	    $(DESTDIR)$(MANDIR)/man1/signalsc.1 $(DESTDIR)$(MANDIR)/man5/signals.5
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/signals/,$(PUBLIC_H))
	rmdir $(DESTDIR)$(INCLUDEDIR)/signals 2>/dev/null || true

# --- tests ------------------------------------------------------------------
test: venv
	@sh scripts/run-tests.sh

test-unit: $(UNIT_BIN)
	$(UNIT_BIN)

test-golden: $(BUILD)/signalsc
	$(PYTHON) tests/golden/run.py --signalsc $(BUILD)/signalsc

golden-update: $(BUILD)/signalsc
	$(PYTHON) tests/golden/run.py --signalsc $(BUILD)/signalsc --update

# Unit and golden tests again under AddressSanitizer + UBSan. (GCC 12 reports
# a false "null format string" for vsnprintf under -fsanitize, hence
# -Wno-format-truncation there.)
test-sanitize:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -Wno-format-truncation" \
	    LDFLAGS="-fsanitize=address,undefined" build-asan/signalsc build-asan/unit_tests
	ASAN_OPTIONS=detect_leaks=1 build-asan/unit_tests
	ASAN_OPTIONS=detect_leaks=1 $(PYTHON) tests/golden/run.py --signalsc build-asan/signalsc

test-integration: build
	$(VENV)/bin/python -m pytest -q tests/integration

# The tree-sitter and TextMate grammars of editors/ with their own test tools.
test-grammars:
	@sh scripts/test-grammars.sh

# --- fuzzing ------------------------------------------------------------------
# libFuzzer harnesses (tests/fuzz/README.md), built with clang in their own
# tree: the library with -fsanitize=fuzzer-no-link (coverage only), each
# harness linked with -fsanitize=fuzzer (libFuzzer's main). Each runs
# FUZZ_SECONDS on a corpus in $(FUZZ_BUILD)/corpus/NAME, seeded from the
# examples, the golden inputs, the API fixtures and tests/fuzz/corpus/NAME
# (the regression reproducers); a crash stops `make fuzz` and leaves the
# input in $(FUZZ_BUILD)/crash-*.
FUZZ_BUILD   ?= build-fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN      = -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
FUZZ_NAMES    = compile import client roundtrip fmt

fuzz-build:
	$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
	    OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	    FUZZ_LINK="-fsanitize=fuzzer $(FUZZ_SAN)" $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(BUILD)/libsignals.a
	$(CC) $(CSTD) $(WARN) $(OPT) -Iinclude -Isrc -Ibackends $(FUZZ_LINK) -o $@ $< $(BUILD)/libsignals.a $(LDLIBS)

fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_NAMES)

# --- demo -------------------------------------------------------------------
demo: venv build
	@sh scripts/demo.sh

docs: $(BUILD)/signalsc
	$(PYTHON) tools/gen_diagnostics_doc.py $(BUILD)/signalsc docs/diagnostics.md
	$(PYTHON) tools/gen_aggregations_doc.py $(BUILD)/signalsc docs/aggregations.md

bench: build
	@sh bench/run.sh

clean:
	rm -rf $(BUILD) build-asan $(FUZZ_BUILD)

# `make -j clean build`: make would check the build's files while clean is
# deleting them. Goals named with clean run one after another (GNU make
# manual, "Special Built-in Target Names": .NOTPARALLEL).
ifneq ($(filter clean,$(MAKECMDGOALS)),)
ifneq ($(filter-out clean,$(MAKECMDGOALS)),)
.NOTPARALLEL:
endif
endif
