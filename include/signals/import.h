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
 * response-only members (feast_name, full_name, blobl_path, ...),
 * `property_syntax` and the publish state `is_published` are not
 * definitions and are ignored.
 *
 * Nothing else is dropped: every member of every object must be one the
 * spec carries. A member or value of the current API (SDK 0.4.10) that the
 * language cannot say yet (date_part, calculated properties, the six newer
 * aggregations, types timestamp and dict, `is null`, an empty `events`,
 * an attribute's ttl or time_unit, event_specification_id,
 * backfill_since_tstamp, refresh_rate, external_column, tags where the
 * language has none, rule interventions, event logs) or any unknown member
 * is error E0936 at its JSONPath.
 *
 * Every string of the input is validated before it becomes spec text:
 * names (letters, digits, `_`, not a keyword, at most 128), Iglu vendors,
 * schema names and SchemaVer versions, batch source identifiers, paths and
 * view references; text (descriptions, owners, tags) is written as string
 * literals with quotes, backslashes, controls and bidi controls escaped.
 * Numbers that become integers (versions, major versions, indexes,
 * durations, integer literals) are range-checked before any conversion.
 * So nothing in the JSON can add a declaration to the spec. The input must
 * be UTF-8 without NUL bytes or `\u0000` escapes (E0930). Finally the spec
 * is checked in memory as `signalsc check` would: if that fails, E0935
 * (the checker's errors as notes: an inconsistent input, or an internal
 * error of import) and false.
 *
 * Errors are queued on `ctx` with codes E0930..E0936 (no source location;
 * the message names `source_name` and the JSONPath of the member, e.g.
 * `$.views[0].attributes[2].name`). Returns false if any error was
 * queued; `out_spec` may then hold a partial spec: never write it. */
SIG_API bool sig_import_json(sig_ctx *ctx, const char *json, size_t len, const char *source_name,
                     sig_buf *out_spec);

#endif
