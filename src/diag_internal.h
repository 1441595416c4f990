/* diag_internal.h: what the renderers of diag.c share with the other
 * output formats and the warning policy (diag_formats.c). Internal. */
#ifndef SIGNALS_DIAG_INTERNAL_H
#define SIGNALS_DIAG_INTERNAL_H

#include "signals/signals.h"

/* The queued diagnostics sorted stably by (file, start), unlocated first:
 * an arena array of *n entries, NULL when there are none. */
const sig_diag **diag_sorted(sig_ctx *ctx, size_t *n);
/* One diagnostic as text (with ANSI colours when `color`) or a JSON line. */
void diag_render_one(sig_ctx *ctx, FILE *out, const sig_diag *d, sig_diag_format fmt, bool color);
/* "2 errors, 1 warning" */
void diag_render_summary(FILE *out, size_t nerrors, size_t nwarnings, bool color);

#endif
