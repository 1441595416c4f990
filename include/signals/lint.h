/* lint.h: warnings computed from a checked model (W01xx codes; their
 * explanations: `signalsc explain W0101`, docs/diagnostics.md). */
#ifndef SIGNALS_LINT_H
#define SIGNALS_LINT_H

#include "signals/export.h"
#include "signals/model.h"

struct sig_ctx;

/* Queues on `ctx` the warnings about `model` (which `ctx` checked):
 *   W0101 unused declarations (only when the spec declares a view: a spec
 *         without views is a library for others to import);
 *   W0102 views whose entity is the deprecated built-in `user` or `session`;
 *   W0103 online-only views with attributes, when `backend` is "dbt" or
 *         "ddl" (those backends skip them);
 *   W0104 events with a partial version used by an attribute, when
 *         `backend` is NULL (the api backend reports E0920 itself).
 * `backend` is the backend the model is compiled or checked for, or NULL.
 * Returns the number of warnings queued. Warnings are queued in
 * declaration order; the warning policy (signals/diag.h) decides later
 * which are shown. */
SIG_API size_t sig_lint(struct sig_ctx *ctx, const sig_model *model, const char *backend);

#endif
