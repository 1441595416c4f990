/* api.h: internals of the Signals API backend shared by emit.c, the importer
 * and the unit tests. */
#ifndef SIGNALS_API_API_H
#define SIGNALS_API_API_H

#include <stdbool.h>

#include "signals/signals.h"

/* The two targets: the current attribute-group API (SDK v0.3+, bodies as
 * v0.4.2 sends them) and the View-era API (SDK v0.1.x). */
#define API_TARGET_GROUPS "attribute-groups"
#define API_TARGET_VIEWS "views"


#endif
