/* json_util.h: cJSON renderings of model values shared by the model and
 * plan printers (internal to libsignals). */
#ifndef SIGNALS_JSON_UTIL_H
#define SIGNALS_JSON_UTIL_H

#include <cjson/cJSON.h>

#include "signals/model.h"

/* A literal as JSON: a string, number, boolean or array of them; JSON null
 * for NULL. The caller owns the returned item (cJSON_Delete, or add it to
 * a parent). Returns NULL only when cJSON is out of memory. */
cJSON *sig_literal_json(const sig_literal *l);

#endif
