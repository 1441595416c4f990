/* json_out.h: JSON text as the Signals Python SDK's bodies look when
 * pretty-printed by Python (`json.dumps(body, indent=2, ensure_ascii=False)`),
 * plus the two value formats the API needs: ISO 8601 durations (pydantic-core
 * style) and Python's repr of floats.
 *
 * Bodies are built as cJSON trees (object members keep insertion order, which
 * is the SDK's field order). Numbers are added with api_json_int() /
 * api_json_float() as cJSON raw items carrying their exact text, so that an
 * int64 never goes through a double and 0.0 stays `0.0`. */
#ifndef SIGNALS_API_JSON_OUT_H
#define SIGNALS_API_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "signals/output.h"

/* Appends `item` as Python's json.dumps(indent=2) would print it (2-space
 * indent, ", " never used, ": " after keys, `[]` / `{}` when empty, UTF-8
 * kept as is, `"` `\\` and control characters escaped). No trailing newline. */
void api_json_print(sig_buf *b, const cJSON *item);

/* Appends the JSON string literal for `s` (quotes included). */
void api_json_string(sig_buf *b, const char *s);

/* ISO 8601 duration of `seconds`, as pydantic-core serializes a timedelta:
 * 0 -> "PT0S", 86400 -> "P1D", 129600 -> "P1DT12H", 365 days -> "P1Y",
 * -5 -> "-PT5S". `out` must hold 48 bytes. Returns `out`. */
char *api_iso_duration(int64_t seconds, char out[48]);

/* Parses an ISO 8601 duration as pydantic does on input (PnYnMnWnDTnHnMnS,
 * Y = 365 days, M = 30 days, W = 7 days, optional leading '-'; fractional
 * seconds are refused). Returns false if `s` is not one. */
bool api_parse_iso_duration(const char *s, int64_t *seconds);

/* Python's repr() of a float: shortest round-trip digits, "0.0", "1.5",
 * "1e+16", "1.5e-05". `out` must hold 32 bytes. Returns `out`. */
char *api_py_float(double d, char out[32]);

/* Adds a number member with exact text (a cJSON raw item). */
cJSON *api_json_int(cJSON *obj, const char *key, int64_t v);
cJSON *api_json_float(cJSON *obj, const char *key, double v);
/* The same, appended to an array. */
void api_json_array_int(cJSON *arr, int64_t v);
void api_json_array_float(cJSON *arr, double v);

#endif
