/* fmt.h: the canonical layout of .signals source (`signalsc fmt`).
 *
 * The layout (docs/language.md, "Layout"): declarations start in column 1,
 * block settings are indented 4 spaces, one setting per line; an attribute
 * stays on one line when it fits in 100 columns and has no block, else each
 * `from`, `where` and `over` clause, and the block's `{`, goes on its own
 * line indented 4 more (as `signalsc import` writes it); one space around
 * `=` and the operators, none inside `( )` and `[ ]` or before `,`; a
 * blank line around every declaration that spans lines, and blank lines of
 * the source kept between declarations and settings (at most one). `tags`
 * blocks stay on one line, and so does a `field`'s block of one setting.
 * Long `attributes`, `views`, `target` and `payload` lists wrap, aligned
 * under their first item. Comments stay where they were: on their own line
 * (indented like what follows) or at the end of the line of the token they
 * followed. Formatting formatted text changes nothing. */
#ifndef SIGNALS_FMT_H
#define SIGNALS_FMT_H

#include <stdbool.h>

#include "signals/export.h"
#include "signals/output.h"

struct sig_ctx;

/* Formats source `source` of `ctx` (an id from sig_ctx_add_file() or
 * sig_ctx_add_buffer(); its imports are not read) and appends the canonical
 * text to `out` (use the context's arena, sig_ctx_arena()). The source is
 * parsed first: when that queues an error (E01xx lexical, E02xx syntax) on
 * the context, nothing is appended and false is returned; the caller prints
 * the diagnostics. Names are not resolved, so a spec with only check errors
 * (an unknown event, a type mismatch) is formatted. Returns true on success;
 * the output ends with one newline (it is empty for a source of only
 * whitespace). Also false, without a diagnostic, for an unknown source id. */
SIG_API bool sig_format(struct sig_ctx *ctx, unsigned source, sig_buf *out);

#endif
