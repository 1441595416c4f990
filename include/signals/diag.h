/* diag.h: source locations and diagnostics.
 *
 * Diagnostics are queued on the compilation context while it runs and are
 * rendered once at the end, as text (rustc/clang style: header, source line,
 * underline, notes, help) or as JSON lines (one object per diagnostic, the
 * shape documented in man/signalsc.1, section DIAGNOSTICS).
 *
 * Every diagnostic has a stable code ("E0301"). The table of codes, with a
 * one-line title and a long explanation for `signalsc explain CODE`, is in
 * src/codes_*.def; docs/diagnostics.md lists them. */
#ifndef SIGNALS_DIAG_H
#define SIGNALS_DIAG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct sig_ctx;

/* A span of source text. `file` is the source id from sig_ctx_add_*();
 * `start`/`end` are byte offsets into that source (end exclusive);
 * line/col are 1-based, col counts bytes, and (line, col) is the position of
 * `start`, (end_line, end_col) the position of `end`. A zero `line` means
 * "no location" (diagnostics about the command line or a whole run). */
typedef struct sig_loc {
    uint32_t file;
    uint32_t start, end;
    uint32_t line, col;
    uint32_t end_line, end_col;
} sig_loc;

/* The empty location. */
#define SIG_NOLOC ((sig_loc){0, 0, 0, 0, 0, 0, 0})

/* The span from the start of `a` to the end of `b` (both in one file). */
sig_loc sig_loc_join(sig_loc a, sig_loc b);

typedef enum sig_severity {
    SIG_SEV_ERROR,
    SIG_SEV_WARNING,
    SIG_SEV_NOTE
} sig_severity;

typedef struct sig_note {
    struct sig_note *next;
    sig_loc loc;       /* may be SIG_NOLOC: a note without a span */
    const char *message;
} sig_note;

typedef struct sig_diag {
    struct sig_diag *next;
    sig_severity severity;
    const char *code;        /* "E0301"; static storage */
    const char *message;     /* the headline */
    sig_loc loc;             /* primary span */
    const char *label;       /* text printed under the primary span, or NULL */
    sig_note *notes;         /* secondary spans and notes, in order */
    const char *help;        /* "did you mean `x`?" and similar, or NULL */
    const char *replacement; /* text that would replace `loc` to fix it, or NULL */
} sig_diag;

/* Queue an error with code `code` (a string literal such as "E0301") at
 * `loc`. The message is printf-formatted. Returns the queued diagnostic so
 * that a label, notes and help can be added. All strings are copied into the
 * context's arena. An unknown code is a programming error (assert). */
sig_diag *sig_error(struct sig_ctx *ctx, sig_loc loc, const char *code,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
sig_diag *sig_warning(struct sig_ctx *ctx, sig_loc loc, const char *code,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

void sig_diag_label(struct sig_ctx *ctx, sig_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sig_diag_note(struct sig_ctx *ctx, sig_diag *d, sig_loc loc,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void sig_diag_help(struct sig_ctx *ctx, sig_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets help "did you mean `suggestion`?" and the replacement text. */
void sig_diag_suggest(struct sig_ctx *ctx, sig_diag *d, const char *suggestion);

/* The closest of `candidates` (NULL-terminated, or `n` entries) to `word`
 * by Damerau-Levenshtein distance, case-insensitive, if it is close enough
 * to be a plausible typo (distance <= max(1, len/3)); NULL otherwise. */
const char *sig_did_you_mean(const char *word, const char *const *candidates,
                             size_t n);

/* Diagnostic output formats for sig_diags_render(). */
typedef enum sig_diag_format {
    SIG_DIAG_TEXT,  /* human: header, excerpt, underline, notes */
    SIG_DIAG_JSON   /* one JSON object per line */
} sig_diag_format;

/* Renders every queued diagnostic, in the order they were queued, sorted
 * stably by (file, start) within each file, then a summary line in text mode
 * ("error: could not compile due to 2 errors"). `color` adds ANSI colours
 * in text mode. Text mode writes file names, messages and source lines
 * with control characters, bidi controls and invalid UTF-8 escaped
 * (`\x1b`, `\u202e`; src/text.h), the underline aligned with them, and a
 * long source line cut around the span. JSON mode writes valid UTF-8
 * whatever the inputs: invalid bytes become U+FFFD. */
void sig_diags_render(struct sig_ctx *ctx, FILE *out, sig_diag_format fmt,
                      bool color);

/* Counts of queued diagnostics. */
size_t sig_error_count(const struct sig_ctx *ctx);
size_t sig_warning_count(const struct sig_ctx *ctx);

/* The first queued diagnostic (a linked list, queue order), for tests and
 * language servers. */
const sig_diag *sig_diags_first(const struct sig_ctx *ctx);

/* Code table lookup: title and explanation of a code, NULL if unknown. */
const char *sig_code_title(const char *code);
const char *sig_code_explanation(const char *code);
/* Calls `fn` for every known code in ascending order. */
void sig_codes_foreach(void (*fn)(const char *code, const char *title, void *),
                       void *data);

#endif
