/* backend.h: the interface every backend implements.
 *
 * A backend lowers a checked sig_model into files (sig_output). It may
 * refuse what its target cannot express with a diagnostic that names the
 * target; it never writes to disk and never prints. Backends are listed in
 * src/backends.c. */
#ifndef SIGNALS_BACKEND_H
#define SIGNALS_BACKEND_H

#include <stdbool.h>

#include "signals/signals.h"

typedef struct sig_backend {
    const char *name;              /* "dbt" */
    const char *summary;           /* one line for --help */
    const char *const *targets;    /* NULL-terminated; targets[0] is the default */
    bool single_file;              /* output is one file (-o FILE) */
    /* Lowers `model` for `target` (one of `targets`) into `out`. Returns
     * false after queuing at least one error on `ctx`. */
    bool (*emit)(sig_ctx *ctx, const sig_model *model, const char *target,
                 const sig_compile_options *opts, sig_output *out);
} sig_backend;

extern const sig_backend sig_backend_dbt;
extern const sig_backend sig_backend_api;
extern const sig_backend sig_backend_ddl;

#endif
