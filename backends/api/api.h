/* api.h: internals of the Signals API backend shared by emit.c, import.c
 * and the unit tests. */
#ifndef SIGNALS_API_API_H
#define SIGNALS_API_API_H

#include <stdbool.h>

#include "signals/signals.h"

/* The two targets: the current attribute-group API (SDK v0.3+, bodies as
 * v0.4.2 sends them) and the View-era API (SDK v0.1.x). */
#define API_TARGET_GROUPS "attribute-groups"
#define API_TARGET_VIEWS "views"

/* A built-in attribute key of the SDK (definitions.py): name, key and
 * description as the SDK sends them. NULL if `name` is not one. */
typedef struct api_builtin_key {
    const char *name, *key, *description;
} api_builtin_key;
const api_builtin_key *api_builtin_key_lookup(const char *name);

/* The SDK's cleaning of a schema name for warehouse columns
 * (property_wrappers/utils.py): `([^A-Z_])([A-Z])` -> `\1_\2`, lowercased;
 * we also turn '.' and '-' into '_' as the warehouse loaders do. */
char *api_snake_name(sig_arena *a, const char *name);
/* Vendor cleaning: lowercased, '.' and '-' become '_'. */
char *api_clean_vendor(sig_arena *a, const char *vendor);

#endif
