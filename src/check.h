/* check.h: the checker (internal to libsignals): ASTs in, sig_model out.
 *
 * sig_check_files() resolves names across the files of a spec, checks every
 * rule of docs/language.md and builds the model (include/signals/model.h).
 * Diagnostics are queued on the context (codes E03xx and E04xx,
 * src/codes_check.def). */
#ifndef SIGNALS_CHECK_H
#define SIGNALS_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"
#include "signals/model.h"

struct sig_ctx;

/* Checks `files` (dependency order: imports first) and returns the model,
 * or NULL when any error was queued (by this call or before it). The model
 * lives in the context's arena. Tolerates partial ASTs from a recovering
 * parser (NULL names, NULL nodes). */
const sig_model *sig_check_files(struct sig_ctx *ctx, sig_ast_file *const *files,
                                 size_t nfiles);

/* ---- helpers from src/types.c over the aggregation rows
 * (include/signals/aggregations.def): they switch on a row's typing rule,
 * never on the aggregation ---- */

/* int32 or int64, not a list. */
bool sig_type_is_integer(sig_type t);
/* Equal, with int32 and int64 interchangeable (also as list elements). */
bool sig_type_compatible(sig_type a, sig_type b);
/* Whether aggregation `agg` can yield type `t` at all. */
bool sig_agg_can_yield(sig_agg agg, sig_type t);
/* The types `agg` can yield, in words, for messages. */
const char *sig_agg_yields_text(sig_agg agg);
/* Whether `agg` over a property of known type `prop` can yield `result`.
 * On false, *why is "yields" (agg never yields that type), "integer" (an
 * integer sum of a non-integer column), "same" (min/max/first/last must keep
 * the column's type) or "element" (unique_list element type differs). */
bool sig_agg_result_fits(sig_agg agg, sig_type prop, sig_type result,
                         const char **why);
/* The type of an attribute whose type is left out (docs/language.md 4). */
sig_type sig_agg_infer(sig_agg agg, bool prop_known, sig_type prop);

#endif
