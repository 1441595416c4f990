/* import.h: `signalsc import`: Signals API JSON to a .signals spec. */
#ifndef SIGNALS_API_IMPORT_H
#define SIGNALS_API_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "signals/export.h"
#include "signals/signals.h"

/* Reads `len` bytes of JSON (`source_name` is shown in diagnostics) holding
 * Signals definitions as the Python SDK defines them or the API returns
 * them, of either era: an attribute group (`attribute_key`) or view
 * (`entity`), an attribute key or entity, a service; an array of any of
 * these; or an object without `name` whose array members hold them (a
 * PublishedAttributesForStream, {"attribute_keys": [...], ...}). Properties
 * may be structured objects (v0.3+) or warehouse strings (`mkt_source`,
 * `contexts_x_1[0].price`, `unstruct_event_x_1:type`).
 *
 * Appends an equivalent .signals spec to `out_spec`: synthesized `event` and
 * `context` declarations (unique names), entities that are not built in,
 * batch sources, attributes shared by several views (top level), views with
 * their own attributes inline, services. compile(import(x)) gives x back,
 * modulo these normalisations: property paths lose a leading `$.`; a
 * criteria `any` of one criterion becomes `all`; `offline` is sent for views
 * with attributes (false) or fields (true) when the input omits it;
 * response-only members (feast_name, full_name, blobl_path, ...) and
 * `property_syntax` are dropped.
 *
 * Errors are queued on `ctx` with codes E0930..E0934 (no source location;
 * the message names `source_name` and the member, e.g.
 * `views[0].attributes[2].property`). Returns false if any error was
 * queued; `out_spec` may then hold a partial spec. */
SIG_API bool sig_import_json(sig_ctx *ctx, const char *json, size_t len, const char *source_name,
                     sig_buf *out_spec);

#endif
