/* fuzz.h: shared by the libFuzzer harnesses in tests/fuzz.
 *
 * Each harness defines LLVMFuzzerTestOneInput (the libFuzzer entry point:
 * https://llvm.org/docs/LibFuzzer.html#fuzz-target) and calls the library
 * directly, never the CLI: nothing is written to the file system. A broken
 * property calls fuzz_fail(), which aborts so that libFuzzer keeps the input
 * as a crash. */
#ifndef SIGNALS_FUZZ_H
#define SIGNALS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signals/signals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Diagnostics are rendered (text, colour, JSON) to exercise the renderer;
 * the text goes to /dev/null. */
static inline FILE *fuzz_sink(void)
{
    static FILE *sink;
    if (!sink) sink = fopen("/dev/null", "w");
    if (!sink) abort();
    return sink;
}

static inline void fuzz_render(sig_ctx *ctx)
{
    sig_diags_render(ctx, fuzz_sink(), SIG_DIAG_TEXT, true);
    sig_diags_render(ctx, fuzz_sink(), SIG_DIAG_JSON, false);
}

/* Whether `needle` occurs in the `size` bytes at `data` (memmem is not
 * in POSIX 2008). */
static inline bool fuzz_contains(const uint8_t *data, size_t size, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= size && i <= size - n; i++)
        if (memcmp(data + i, needle, n) == 0) return true;
    return false;
}

/* `import "..."` reads the named file. Inputs that import and could name
 * a path outside the working tree (system paths, `..`, escapes) are
 * rejected by the harnesses (return -1: libFuzzer does not add them to the
 * corpus), so that what the fuzzer reads is the same from run to run and
 * never a device; imports of relative paths still run. */
static inline bool fuzz_unsafe_import(const uint8_t *data, size_t size)
{
    if (!fuzz_contains(data, size, "import")) return false;
    static const char *const bad[] = {"/dev", "/proc", "/sys", "/run", "/tmp", "..", "\\", "~"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (fuzz_contains(data, size, bad[i])) return true;
    return false;
}

/* A broken property: print what and the diagnostics, then abort. */
static inline void fuzz_fail(sig_ctx *ctx, const char *what, const char *text)
{
    fprintf(stderr, "fuzz: property broken: %s\n", what);
    if (text) fprintf(stderr, "---\n%s\n---\n", text);
    if (ctx) sig_diags_render(ctx, stderr, SIG_DIAG_TEXT, false);
    abort();
}

#endif
