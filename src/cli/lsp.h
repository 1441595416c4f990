/* lsp.h: the language server's shared state (src/cli/lsp*.c): open
 * documents, each checked through the same library calls as `check`, and
 * LSP positions, which count UTF-16 code units where the library counts
 * bytes (LSP 3.17, "Position": the default position encoding is utf-16). */
#ifndef SIGNALSC_LSP_H
#define SIGNALSC_LSP_H

#include <cjson/cJSON.h>

#include "cli.h"

typedef struct lsp_doc {
    char *uri;
    char *path;        /* the file the URI names: imports resolve next to it */
    char *text;        /* as the editor sent it (not the disk) */
    size_t len;
    sig_ctx *ctx;      /* the check of `text` */
    sig_ctx *good;     /* the last check with a model (may be ctx), or NULL:
                        * symbols and hover keep working while a spec has errors */
    struct lsp_doc *next;
} lsp_doc;

/* The model of `d` to answer from, and its context (NULL, NULL if none). */
const sig_model *lsp_model(const lsp_doc *d, sig_ctx **ctx_out);

/* A source's (line, byte column), both 1-based, as an LSP position object. */
cJSON *lsp_position(const sig_source *s, uint32_t line, uint32_t col);
/* A span as an LSP Range. */
cJSON *lsp_range(const sig_source *s, sig_loc loc);
/* A span as an LSP Location (the URI of its source: `d`'s own for the root). */
cJSON *lsp_location(const lsp_doc *d, sig_ctx *ctx, sig_loc loc);
/* The byte offset in `s` of the LSP position (0-based line, UTF-16
 * character); clamped to the line's end. */
size_t lsp_offset(const sig_source *s, const cJSON *position);

/* The identifier (letters, digits, '_') around `off` in `text`: start and
 * length; false when there is none. */
bool lsp_word_at(const char *text, size_t len, size_t off, size_t *start, size_t *n);

/* Requests answered from the model (src/cli/lsp_features.c). Each returns
 * the result (a new cJSON, `null` when there is nothing). */
cJSON *lsp_document_symbols(const lsp_doc *d);
cJSON *lsp_definition(const lsp_doc *d, const cJSON *params);
cJSON *lsp_references(const lsp_doc *d, const cJSON *params);
cJSON *lsp_hover(const lsp_doc *d, const cJSON *params);
cJSON *lsp_completion(const lsp_doc *d, const cJSON *params);
/* A WorkspaceEdit renaming the declared name under the position and every
 * reference; NULL with *why set when the new name is not a valid name, is
 * reserved or already declared, or there is no declared name there. */
cJSON *lsp_rename(const lsp_doc *d, const cJSON *params, const char **why);

#endif
