/* ctx.h: the compilation context (internal to libsignals). */
#ifndef SIGNALS_CTX_H
#define SIGNALS_CTX_H

#include "signals/signals.h"

struct sig_ctx {
    sig_arena *arena;
    sig_ptrvec sources;        /* sig_source*, index = id - 1 */
    sig_ptrvec roots;          /* root source ids (uintptr_t) */
    sig_diag *diag_head, *diag_tail;
    size_t nerrors, nwarnings;
    bool checked;
    const sig_model *model;
    struct sig_iglu *iglu;     /* src/iglu.c: schema repositories, arena-owned */
};

/* Adds a source whose text is already in the arena (NUL-terminated).
 * Validates UTF-8 (E0002 at `at` on failure, returns 0). */
unsigned sig_ctx_add_source(sig_ctx *ctx, const char *path, char *text,
                            size_t len, sig_loc at);

#endif
