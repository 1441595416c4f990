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

/* W0105: compares every view of `model` with its request body in
 * `previous_dir`, the output of an earlier `compile --backend api` (its
 * era is found from the directory: views/ or attribute_groups/), and
 * warns at each view whose body differs as JSON (cJSON_Compare) under the
 * same name and version. A view without a previous body (new, or a new
 * version) is skipped. The model is lowered with the api backend on a
 * scratch context, so the api backend's own diagnostics are not queued on
 * `ctx`. Returns the number of warnings; 0 also when `previous_dir` holds
 * neither directory. */
SIG_API size_t sig_lint_since(struct sig_ctx *ctx, const sig_model *model,
                              const char *previous_dir);

#endif
