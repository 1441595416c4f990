/* signals.h: libsignals, the .signals compiler as a library.
 *
 * The CLI (src/main.c), the tests and a language server share this one code
 * path:
 *
 *   sig_ctx *ctx = sig_ctx_new();
 *   sig_ctx_add_file(ctx, "spec.signals");        // or sig_ctx_add_buffer()
 *   const sig_model *m = sig_ctx_check(ctx);      // parse + resolve + check
 *   if (m) sig_compile(ctx, m, &opts, &out);      // lower through a backend
 *   sig_diags_render(ctx, stderr, SIG_DIAG_TEXT, false);
 *   sig_ctx_free(ctx);
 *
 * A context is one compilation: its arena owns every AST node, model object
 * and diagnostic. Contexts share nothing, so separate threads may use
 * separate contexts. */
#ifndef SIGNALS_SIGNALS_H
#define SIGNALS_SIGNALS_H

#include <stdbool.h>
#include <stddef.h>

#include "signals/export.h"
#include "signals/arena.h"
#include "signals/diag.h"
#include "signals/model.h"
#include "signals/output.h"

#define SIGNALS_VERSION "0.1.0"

typedef struct sig_ctx sig_ctx;

/* A new compilation context. Never NULL (aborts when out of memory). */
SIG_API sig_ctx *sig_ctx_new(void);
/* Frees the context, its arena and everything allocated from it. */
SIG_API void sig_ctx_free(sig_ctx *ctx);
/* The context's arena, for callers building objects that live as long. */
SIG_API sig_arena *sig_ctx_arena(sig_ctx *ctx);

/* One input text. `path` is as given (printed in diagnostics, and the base
 * for resolving `import "..."` relative to it); `text` is NUL-terminated
 * with `len` bytes before the NUL; `line_starts[i]` is the byte offset of
 * line i+1. */
typedef struct sig_source {
    unsigned id;
    const char *path;
    const char *text;
    size_t len;
    const size_t *line_starts;
    size_t nlines;
} sig_source;

/* The largest input signalsc reads, in bytes: a source file, an imported
 * file, standard input, or the JSON of `signalsc import` (64 MiB). */
#define SIG_MAX_INPUT_BYTES ((size_t)64 << 20)

/* Reads the whole input `path` into memory: a regular file (symbolic links
 * followed), or standard input for "-" (whatever it is connected to). A
 * directory, FIFO, device or socket is refused without reading from it (and
 * a FIFO without waiting for a writer), and so is an input of more than
 * SIG_MAX_INPUT_BYTES. Returns a malloc'd buffer, which the caller frees
 * with free(), holding *len_out bytes and a NUL after them (the bytes may
 * contain NULs). On failure returns NULL and sets *reason to why, for a
 * message: the operating system's strerror() text (valid until the next
 * strerror() call), or "it is a directory, not a regular file", "it is a
 * FIFO (named pipe), not a regular file", "it is a character device, not a
 * regular file" (block device, socket likewise), "it is larger than 64
 * MiB, the limit for an input". */
SIG_API char *sig_read_input(const char *path, size_t *len_out, const char **reason);

/* Adds a root source read from the file at `path` ("-" reads standard input
 * and is shown as "<stdin>", or as `display_name` when that is non-NULL).
 * The file is read with sig_read_input(). Returns the source id (>= 1), or
 * 0 after queuing error E0001 (cannot read the file, or it is not a regular
 * file, or it is too large: the message carries sig_read_input()'s reason)
 * or E0002 (not valid UTF-8 or
 * contains a NUL byte). */
SIG_API unsigned sig_ctx_add_file(sig_ctx *ctx, const char *path, const char *display_name);

/* Adds a root source from memory. `text` is copied; `name` is shown in
 * diagnostics. Returns the source id (>= 1), or 0 after E0002. */
SIG_API unsigned sig_ctx_add_buffer(sig_ctx *ctx, const char *name, const char *text,
                            size_t len);

/* The source with id `id`, or NULL. */
SIG_API const sig_source *sig_ctx_source(const sig_ctx *ctx, unsigned id);
/* The number of sources so far (roots and, after sig_ctx_check(), imports);
 * ids run from 1 to this count. */
SIG_API size_t sig_ctx_source_count(const sig_ctx *ctx);

/* Parses every root source and the files they import (once each; an import
 * cycle is error E0003, a missing import E0001 at the import's string),
 * resolves names and checks types. Returns the model when no error was
 * queued, NULL otherwise; diagnostics are queued on the context in every
 * case. The model is owned by the context. Calling it twice returns the
 * same model. */
SIG_API const sig_model *sig_ctx_check(sig_ctx *ctx);

/* Options shared by the backends. Strings are borrowed for the call. */
typedef struct sig_compile_options {
    const char *backend;   /* "dbt" */
    const char *target;    /* NULL: the backend's default target */
    const char *project_name; /* NULL: derived from the first root file */
} sig_compile_options;

/* Lowers `model` through the named backend into `out` (files in memory;
 * the caller writes them with sig_output_write()). Returns true on success.
 * Errors: E0901 unknown backend, E0902 unknown target for that backend (with
 * did-you-mean), and the backend's own capability errors, which name the
 * target (E09xx). On failure `out` may hold partial files: never write it. */
SIG_API bool sig_compile(sig_ctx *ctx, const sig_model *model,
                 const sig_compile_options *opts, sig_output *out);

/* Backend registry: the names (NULL-terminated) and, per backend, its
 * targets (NULL-terminated, the first one is the default). NULL for an
 * unknown backend. */
SIG_API extern const char *const sig_backend_names[];
SIG_API const char *const *sig_backend_targets(const char *backend);
/* A backend's one-line summary, or NULL for an unknown backend. */
SIG_API const char *sig_backend_summary(const char *backend);

/* The reserved words of the language (docs/language.md), NULL-terminated,
 * in the order of src/keywords.def: for completion in editors. A reserved
 * word cannot be used as a name. Static storage. */
SIG_API extern const char *const sig_keywords[];

/* The model as one JSON document (the shape is documented in
 * docs/model-json.md): every view, attribute, event, context, key, batch
 * source and service, with properties resolved to warehouse columns and
 * JSONPaths. For tools and tests (`signalsc debug model`). Returns a
 * malloc'd NUL-terminated string that the caller frees with free(). */
SIG_API char *sig_model_json(const sig_model *model);

#endif
