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

#include "signals/arena.h"
#include "signals/export.h"

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
SIG_API sig_loc sig_loc_join(sig_loc a, sig_loc b);

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
SIG_API sig_diag *sig_error(struct sig_ctx *ctx, sig_loc loc, const char *code,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
SIG_API sig_diag *sig_warning(struct sig_ctx *ctx, sig_loc loc, const char *code,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Add to a queued diagnostic `d`: the label under its primary span, a note
 * (with a span, or SIG_NOLOC), the help line. printf-formatted; copied into
 * the context's arena. A second label or help replaces the first. */
SIG_API void sig_diag_label(struct sig_ctx *ctx, sig_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
SIG_API void sig_diag_note(struct sig_ctx *ctx, sig_diag *d, sig_loc loc,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
SIG_API void sig_diag_help(struct sig_ctx *ctx, sig_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets help "did you mean `suggestion`?" and the replacement text. */
SIG_API void sig_diag_suggest(struct sig_ctx *ctx, sig_diag *d, const char *suggestion);

/* The closest of `candidates` (NULL-terminated, or `n` entries) to `word`
 * by Damerau-Levenshtein distance, case-insensitive, if it is close enough
 * to be a plausible typo (distance <= max(1, len/3)); NULL otherwise. */
SIG_API const char *sig_did_you_mean(const char *word, const char *const *candidates,
                             size_t n);

/* Diagnostic output formats for sig_diags_render() and the sinks below. */
typedef enum sig_diag_format {
    SIG_DIAG_TEXT,   /* human: header, excerpt, underline, notes */
    SIG_DIAG_JSON,   /* one JSON object per line */
    SIG_DIAG_SARIF,  /* one SARIF 2.1.0 log (OASIS, "Static Analysis Results
                      * Interchange Format Version 2.1.0"), written at the end */
    SIG_DIAG_GITHUB  /* GitHub Actions workflow commands, one per line:
                      * `::error file=F,line=L,col=C,...::message` (GitHub
                      * docs, "Workflow commands for GitHub Actions") */
} sig_diag_format;

/* Renders every queued diagnostic, in the order they were queued, sorted
 * stably by (file, start) within each file, then a summary line in text mode
 * ("error: could not compile due to 2 errors"). `color` adds ANSI colours
 * in text mode. Text mode writes file names, messages and source lines
 * with control characters, bidi controls and invalid UTF-8 escaped
 * (`\x1b`, `\u202e`; src/text.h), the underline aligned with them, and a
 * long source line cut around the span. JSON mode writes valid UTF-8
 * whatever the inputs: invalid bytes become U+FFFD. */
SIG_API void sig_diags_render(struct sig_ctx *ctx, FILE *out, sig_diag_format fmt,
                      bool color);

/* A sink renders the diagnostics of several contexts (several specs
 * checked in one run) as one output: one summary line in text mode, one
 * SARIF log with one run. sig_diag_sink_new() never returns NULL (aborts
 * when out of memory); `out` is borrowed until sig_diag_sink_finish().
 * sig_diag_sink_add() renders `ctx`'s diagnostics (sorted as above; SARIF
 * keeps them until the end) and may be called for each context before it
 * is freed. sig_diag_sink_finish() writes the text summary ("1 error, 0
 * warnings", only when there was a diagnostic) or the SARIF log, and frees
 * the sink. SARIF columns count UTF-16 code units (SARIF 2.1.0 section
 * 3.14.5, the default columnKind); the other formats count bytes. */
typedef struct sig_diag_sink sig_diag_sink;
SIG_API sig_diag_sink *sig_diag_sink_new(FILE *out, sig_diag_format fmt, bool color);
SIG_API void sig_diag_sink_add(sig_diag_sink *sink, struct sig_ctx *ctx);
SIG_API void sig_diag_sink_finish(sig_diag_sink *sink);

/* Warning control, gcc style. A policy is a list of options applied in
 * order, the last one about a code winning:
 *   "CODE"          report warning CODE (every warning is on by default)
 *   "no-CODE"       do not report warning CODE
 *   "error"         every warning becomes an error
 *   "error=CODE"    warning CODE becomes an error (and is reported)
 *   "no-error=CODE" warning CODE stays a warning, even with "error"
 * sig_warning_policy_new() never returns NULL. sig_warning_policy_option()
 * returns false for an option that is none of these or names a code that
 * signalsc does not have, and sets *why to a message (static storage).
 * sig_warning_policy_apply() removes the warnings the policy turns off
 * from `ctx`'s queue and turns the promoted ones into errors, updating
 * sig_error_count() and sig_warning_count(); call it after the checks and
 * backends ran, before rendering (a NULL policy changes nothing). Errors
 * and notes are never changed. */
typedef struct sig_warning_policy sig_warning_policy;
SIG_API sig_warning_policy *sig_warning_policy_new(void);
SIG_API bool sig_warning_policy_option(sig_warning_policy *p, const char *option,
                                       const char **why);
SIG_API void sig_warning_policy_apply(const sig_warning_policy *p, struct sig_ctx *ctx);
SIG_API void sig_warning_policy_free(sig_warning_policy *p);

/* Counts of queued diagnostics. */
SIG_API size_t sig_error_count(const struct sig_ctx *ctx);
SIG_API size_t sig_warning_count(const struct sig_ctx *ctx);

/* The first queued diagnostic (a linked list, queue order), for tests and
 * language servers. */
SIG_API const sig_diag *sig_diags_first(const struct sig_ctx *ctx);

/* Code table lookup: title and explanation of a code, NULL if unknown. */
SIG_API const char *sig_code_title(const char *code);
SIG_API const char *sig_code_explanation(const char *code);
/* Calls `fn` for every known code in ascending order. */
SIG_API void sig_codes_foreach(void (*fn)(const char *code, const char *title, void *),
                       void *data);

/* Terminal-safe and JSON-safe text, as the renderer above writes it (also
 * for messages the CLI prints itself). */
/* Writes s[0..len) to `out` (when non-NULL) with what a terminal must not
 * receive raw escaped: C0 controls and DEL as `\xNN`, C1 and the
 * bidirectional controls as `\uNNNN`, each byte of invalid UTF-8 as `\xNN`.
 * A tab is written as is when `keep_tab`. Returns the number of terminal
 * columns written, counting one per code point (a tab counts as one). */
SIG_API size_t sig_write_escaped(FILE *out, const char *s, size_t len, bool keep_tab);

/* An arena copy of the NUL-terminated `s` in which every byte that is not
 * part of valid UTF-8 is replaced by U+FFFD, for JSON output. Returns `s`
 * itself when it is valid UTF-8 already; NULL for NULL. */
SIG_API const char *sig_utf8_repair(sig_arena *arena, const char *s);

#endif
