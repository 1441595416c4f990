/* parse_util.h: state and helpers shared by the scanner (grammar/signals.l)
 * and the parser (grammar/signals.y). Internal to libsignals.
 *
 * Ownership: AST nodes and strings live in the context's arena. Lists under
 * construction are malloc'd growable vectors (sig_pvec) held in semantic
 * values; the rule that completes a list copies it into the arena and frees
 * the vector (sig_pvec_finish), and the parser's %destructor frees the
 * vectors of symbols discarded during error recovery. */
#ifndef SIGNALS_PARSE_UTIL_H
#define SIGNALS_PARSE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "signals/arena.h"
#include "signals/diag.h"

struct sig_ctx;

/* A malloc'd growable array of fixed-size elements. Zero-initialised is
 * empty. Allocation failure aborts ("signalsc: out of memory"). */
typedef struct sig_pvec {
    void *items;
    size_t len;   /* elements */
    size_t cap;   /* elements */
} sig_pvec;

void sig_pvec_push(sig_pvec *v, const void *item, size_t size);
/* Copies the elements into the arena (NULL when empty), frees the vector
 * and leaves it empty; stores the count in *count. */
void *sig_pvec_finish(sig_arena *arena, sig_pvec *v, size_t size, size_t *count);
void sig_pvec_free(sig_pvec *v);

/* A token's semantic value: NAME, STRING, IGLU carry `text` (arena; for
 * STRING the unescaped value); INT carries `i` (and `d`), DECIMAL `d`; both
 * carry the digits as written in `text`. */
typedef struct sig_tok {
    const char *text;
    int64_t i;
    double d;
} sig_tok;

/* The parser/scanner state of one sig_parse() call. */
typedef struct sig_pstate {
    struct sig_ctx *ctx;
    sig_arena *arena;
    unsigned source;
    const char *text;        /* the source text */
    size_t len;

    sig_pvec decls;          /* sig_ast_decl * (arena), in order */
    sig_pvec comments;       /* sig_ast_comment */

    /* Scanner position: byte offset, 1-based line and column (bytes). */
    uint32_t off, line, col;
    /* End of the last real token (for end-of-file locations). */
    sig_loc last_tok;
    sig_loc prev_tok;        /* the real token before it */
    int last_kind;           /* token kind of the last token returned */
    int prev_kind;           /* ... and the one before */
    int prev2_kind;          /* ... and the one before that */

    /* Open braces (sig_loc of each `{`), innermost last. */
    sig_pvec braces;
    bool synthetic;          /* the last token is a `}` the scanner inserted */
    int synthetic_for;       /* the token kind it was inserted before (0: EOF) */
    bool closing;            /* in a run of inserted `}`s: one error per run */
    bool unmatched_close;    /* the last token is a `}` that closes nothing */

    /* Syntax-error de-duplication: start offset of the last one. */
    bool have_error;
    uint32_t last_error_start;
} sig_pstate;

/* Location helpers. */
sig_loc sig_ploc_join(sig_loc a, sig_loc b);
/* The zero-width location at the end of `l`. */
sig_loc sig_ploc_end(sig_loc l);


#endif
