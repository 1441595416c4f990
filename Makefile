# signalsc: build, test and demo. `make help` lists the targets.
#
# Sources are picked up by wildcard: src/*.c (but src/main.c only goes into
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
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -Iinclude -Isrc -Ibackends -I$(BUILD)/gen $(CFLAGS)
# Generated scanner/parser code: bison and flex output trips a few warnings
# that are not ours to fix.
GEN_CFLAGS = $(CSTD) -Wall -Wextra -Werror -Wno-unused-function -Wno-sign-compare \
          -Wno-unused-parameter -Wno-null-dereference $(OPT) -Iinclude -Isrc -I$(BUILD)/gen $(CFLAGS)
# libcurl is not linked: the API client dlopen()s it on first use
# (backends/api/client.c), so the compiler's commands start without it.
LDLIBS  = -lcjson -ldl -lm

LIB_SRC   = $(filter-out src/main.c,$(wildcard src/*.c)) $(wildcard backends/*/*.c)
LIB_OBJ   = $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC)) $(BUILD)/obj/gen/parser.o $(BUILD)/obj/gen/scanner.o
UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(BUILD)/unit_tests
DEFS      = $(wildcard src/*.def backends/*/*.def include/signals/*.def)

.PHONY: all help deps venv build docs test test-unit test-golden test-integration test-sanitize demo bench clean golden-update

all: build

help:
	@echo "make build            build $(BUILD)/signalsc and $(BUILD)/libsignals.a"
	@echo "make demo             install what is missing, build, run the example on DuckDB, print attributes"
	@echo "make test             install what is missing, then unit, golden, sanitizer and integration tests"
	@echo "make golden-update    regenerate golden expectations (review the diff!)"
	@echo "make bench            run the compiler benchmarks (bench/)"
	@echo "make docs             regenerate docs/diagnostics.md from the code table"

# --- set-up -----------------------------------------------------------------
deps:
	@sh scripts/install-deps.sh

venv: deps
	@sh scripts/setup-venv.sh $(VENV)

# --- build ------------------------------------------------------------------
build: $(BUILD)/signalsc $(BUILD)/libsignals.a

$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h: grammar/signals.y
	@mkdir -p $(BUILD)/gen
	bison -Wall -Werror --defines=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/scanner.c $(BUILD)/gen/scanner.h: grammar/signals.l $(BUILD)/gen/parser.h
	@mkdir -p $(BUILD)/gen
	flex --header-file=$(BUILD)/gen/scanner.h -o $(BUILD)/gen/scanner.c $<

$(BUILD)/obj/gen/parser.o: $(BUILD)/gen/parser.c $(BUILD)/gen/scanner.h
	@mkdir -p $(dir $@)
	$(CC) $(GEN_CFLAGS) -c -o $@ $<

$(BUILD)/obj/gen/scanner.o: $(BUILD)/gen/scanner.c $(BUILD)/gen/parser.h
	@mkdir -p $(dir $@)
	$(CC) $(GEN_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.c $(wildcard include/signals/*.h src/*.h backends/*.h backends/*/*.h) $(DEFS) $(BUILD)/gen/parser.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/libsignals.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/signalsc: $(BUILD)/obj/src/main.o $(BUILD)/libsignals.a
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(UNIT_BIN): $(UNIT_SRC) tests/unit/unit.h $(BUILD)/libsignals.a
	$(CC) $(CFLAGS_ALL) $(LDFLAGS) -Itests/unit -o $@ $(UNIT_SRC) $(BUILD)/libsignals.a $(LDLIBS)

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

# --- demo -------------------------------------------------------------------
demo: venv build
	@sh scripts/demo.sh

docs: $(BUILD)/signalsc
	$(PYTHON) tools/gen_diagnostics_doc.py $(BUILD)/signalsc docs/diagnostics.md

bench: build
	@sh bench/run.sh

clean:
	rm -rf $(BUILD) build-asan
