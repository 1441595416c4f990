/* lsp.c: `signalsc lsp`, a language server over standard input and output
 * (JSON-RPC 2.0 with the LSP base protocol's `Content-Length` framing, LSP
 * 3.17: https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/).
 * Every change re-checks the document's text from memory with the calls
 * `check` makes (sig_ctx_add_buffer, sig_ctx_check, sig_lint, the -W policy)
 * and publishes its diagnostics. Requests: src/cli/lsp_features.c. */
#define _XOPEN_SOURCE 700 /* realpath(3) */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signals/lint.h"

#include "signals/fmt.h"
#include "lsp.h"

/* JSON-RPC error codes (JSON-RPC 2.0 section 5.1; LSP's ServerNotInitialized). */
enum { RPC_PARSE = -32700, RPC_INVALID = -32600, RPC_NO_METHOD = -32601, RPC_INVALID_PARAMS = -32602,
       RPC_NOT_INITIALIZED = -32002 };

typedef struct server {
    const cli *c;
    lsp_doc *docs;
    bool initialized, shutdown;
} server;

/* ------------------------------------------------------------ transport */

/* Header names are case-insensitive (RFC 9110 section 5.1). */
static bool header_is(const char *line, const char *lower_name)
{
    for (; *lower_name; line++, lower_name++) {
        char ch = *line >= 'A' && *line <= 'Z' ? (char)(*line - 'A' + 'a') : *line;
        if (ch != *lower_name) return false;
    }
    return true;
}

/* One message's body, malloc'd and NUL-terminated, or NULL at the end of
 * the input. Headers other than Content-Length are ignored. */
static char *read_message(size_t *len_out)
{
    char line[1024];
    long long len = -1;
    for (;;) {
        if (!fgets(line, sizeof line, stdin)) return NULL;
        if (strcmp(line, "\r\n") == 0 || strcmp(line, "\n") == 0) {
            if (len >= 0) break;
            continue; /* no length yet: skip stray blank lines */
        }
        if (header_is(line, "content-length:")) len = atoll(line + strlen("content-length:"));
    }
    if ((unsigned long long)len > SIG_MAX_INPUT_BYTES * 2) return NULL;
    char *body = malloc((size_t)len + 1);
    if (!body) abort();
    if (fread(body, 1, (size_t)len, stdin) != (size_t)len) {
        free(body);
        return NULL;
    }
    body[len] = '\0';
    *len_out = (size_t)len;
    return body;
}

static void send_json(cJSON *msg)
{
    cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
    char *text = cJSON_PrintUnformatted(msg);
    if (!text) abort();
    printf("Content-Length: %zu\r\n\r\n%s", strlen(text), text);
    fflush(stdout);
    cJSON_free(text);
    cJSON_Delete(msg);
}

static void respond(const cJSON *id, cJSON *result)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, true) : cJSON_CreateNull());
    cJSON_AddItemToObject(m, "result", result ? result : cJSON_CreateNull());
    send_json(m);
}

static void respond_error(const cJSON *id, int code, const char *message)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddItemToObject(m, "id", id ? cJSON_Duplicate(id, true) : cJSON_CreateNull());
    cJSON *e = cJSON_AddObjectToObject(m, "error");
    cJSON_AddNumberToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    send_json(m);
}

static void notify(const char *method, cJSON *params)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "method", method);
    cJSON_AddItemToObject(m, "params", params);
    send_json(m);
}

/* ------------------------------------------------------------ positions */

/* UTF-16 code units of the UTF-8 text s[0..n): one per code point, two for
 * those above U+FFFF (4-byte sequences). Sources are valid UTF-8 (E0002). */
static uint32_t utf16_units(const char *s, size_t n)
{
    uint32_t u = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if ((b & 0xC0) != 0x80) u += b >= 0xF0 ? 2 : 1;
    }
    return u;
}

static size_t line_end(const sig_source *s, size_t line0)
{
    size_t e = line0 + 1 < s->nlines ? s->line_starts[line0 + 1] : s->len;
    while (e > s->line_starts[line0] && (s->text[e - 1] == '\n' || s->text[e - 1] == '\r')) e--;
    return e;
}

cJSON *lsp_position(const sig_source *s, uint32_t line, uint32_t col)
{
    cJSON *p = cJSON_CreateObject();
    uint32_t ch = 0;
    if (s && line >= 1 && line <= s->nlines && col >= 1) {
        size_t start = s->line_starts[line - 1], end = s->len;
        size_t n = col - 1;
        if (start + n > end) n = end - start;
        ch = utf16_units(s->text + start, n);
    }
    cJSON_AddNumberToObject(p, "line", line ? line - 1 : 0);
    cJSON_AddNumberToObject(p, "character", ch);
    return p;
}

cJSON *lsp_range(const sig_source *s, sig_loc loc)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "start", lsp_position(s, loc.line, loc.col));
    uint32_t el = loc.end_line ? loc.end_line : loc.line, ec = loc.end_line ? loc.end_col : loc.col;
    cJSON_AddItemToObject(r, "end", lsp_position(s, el, ec));
    return r;
}

size_t lsp_offset(const sig_source *s, const cJSON *position)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(position, "line");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(position, "character");
    if (!cJSON_IsNumber(l) || !cJSON_IsNumber(c) || l->valuedouble < 0) return 0;
    size_t line0 = (size_t)l->valuedouble;
    if (line0 >= s->nlines) return s->len;
    size_t i = s->line_starts[line0], end = line_end(s, line0);
    double want = c->valuedouble;
    for (uint32_t u = 0; i < end && u < want;) {
        unsigned char b = (unsigned char)s->text[i];
        size_t k = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        u += k == 4 ? 2 : 1;
        i += k;
    }
    return i < end ? i : end;
}

static bool ident_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

bool lsp_word_at(const char *text, size_t len, size_t off, size_t *start, size_t *n)
{
    if (off > len) off = len;
    size_t a = off, b = off;
    while (a > 0 && ident_char(text[a - 1])) a--;
    while (b < len && ident_char(text[b])) b++;
    *start = a;
    *n = b - a;
    return b > a;
}

/* ------------------------------------------------------------ URIs */

/* RFC 3986 file URIs (RFC 8089): "file://" + the path, percent-encoded
 * but for unreserved characters and '/'. */
static char *uri_from_path(const char *path)
{
    char *real = realpath(path, NULL);
    const char *p = real ? real : path;
    size_t n = strlen(p);
    char *u = malloc(7 + 3 * n + 1);
    if (!u) abort();
    size_t k = (size_t)sprintf(u, "file://");
    for (const unsigned char *q = (const unsigned char *)p; *q; q++) {
        if (ident_char((char)*q) || strchr("/-.~", *q)) u[k++] = (char)*q;
        else k += (size_t)sprintf(u + k, "%%%02X", *q);
    }
    u[k] = '\0';
    free(real);
    return u;
}

static int hex(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static char *path_from_uri(const char *uri)
{
    const char *p = strncmp(uri, "file://", 7) == 0 ? uri + 7 : uri;
    char *out = malloc(strlen(p) + 1);
    if (!out) abort();
    size_t k = 0;
    for (; *p; p++) {
        if (*p == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
            out[k++] = (char)(hex(p[1]) * 16 + hex(p[2]));
            p += 2;
        } else {
            out[k++] = *p;
        }
    }
    out[k] = '\0';
    return out;
}

cJSON *lsp_location(const lsp_doc *d, sig_ctx *ctx, sig_loc loc)
{
    const sig_source *s = sig_ctx_source(ctx, loc.file);
    cJSON *l = cJSON_CreateObject();
    if (loc.file == 1 || !s) {
        cJSON_AddStringToObject(l, "uri", d->uri);
    } else {
        char *u = uri_from_path(s->path);
        cJSON_AddStringToObject(l, "uri", u);
        free(u);
    }
    cJSON_AddItemToObject(l, "range", lsp_range(s, loc));
    return l;
}

/* ------------------------------------------------------------ documents */

const sig_model *lsp_model(const lsp_doc *d, sig_ctx **ctx_out)
{
    *ctx_out = d->good;
    return d->good ? sig_ctx_check(d->good) : NULL;
}

static lsp_doc *find_doc(server *sv, const cJSON *params)
{
    const cJSON *td = cJSON_GetObjectItemCaseSensitive(params, "textDocument");
    const cJSON *uri = cJSON_GetObjectItemCaseSensitive(td, "uri");
    if (!cJSON_IsString(uri)) return NULL;
    for (lsp_doc *d = sv->docs; d; d = d->next)
        if (strcmp(d->uri, uri->valuestring) == 0) return d;
    return NULL;
}

/* One LSP Diagnostic. A diagnostic in an imported file is shown at the
 * top of the document, naming where it is (relatedInformation points there). */
static cJSON *diagnostic(const lsp_doc *d, sig_ctx *ctx, const sig_diag *g)
{
    cJSON *o = cJSON_CreateObject();
    const sig_source *s = sig_ctx_source(ctx, g->loc.file);
    bool here = g->loc.file == 1 && g->loc.line;
    cJSON_AddItemToObject(o, "range", lsp_range(here ? s : NULL, here ? g->loc : SIG_NOLOC));
    cJSON_AddNumberToObject(o, "severity", g->severity == SIG_SEV_ERROR ? 1
                                           : g->severity == SIG_SEV_WARNING ? 2 : 3);
    cJSON_AddStringToObject(o, "code", g->code);
    cJSON_AddStringToObject(o, "source", "signalsc");
    sig_arena *a = sig_ctx_arena(ctx);
    char *msg = sig_arena_printf(a, "%s", g->message);
    if (!here && g->loc.line && s)
        msg = sig_arena_printf(a, "%s:%u:%u: %s", s->path, g->loc.line, g->loc.col, msg);
    if (g->label) msg = sig_arena_printf(a, "%s\n%s", msg, g->label);
    cJSON *rel = cJSON_CreateArray();
    if (!here && g->loc.line && s) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddItemToObject(r, "location", lsp_location(d, ctx, g->loc));
        cJSON_AddStringToObject(r, "message", g->message);
        cJSON_AddItemToArray(rel, r);
    }
    for (const sig_note *n = g->notes; n; n = n->next) {
        if (!n->loc.line) {
            msg = sig_arena_printf(a, "%s\nnote: %s", msg, n->message);
            continue;
        }
        cJSON *r = cJSON_CreateObject();
        cJSON_AddItemToObject(r, "location", lsp_location(d, ctx, n->loc));
        cJSON_AddStringToObject(r, "message", n->message);
        cJSON_AddItemToArray(rel, r);
    }
    if (g->help) msg = sig_arena_printf(a, "%s\nhelp: %s", msg, g->help);
    cJSON_AddStringToObject(o, "message", sig_utf8_repair(a, msg));
    if (cJSON_GetArraySize(rel)) cJSON_AddItemToObject(o, "relatedInformation", rel);
    else cJSON_Delete(rel);
    return o;
}

static void publish(const lsp_doc *d, bool clear)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "uri", d->uri);
    cJSON *arr = cJSON_AddArrayToObject(p, "diagnostics");
    for (const sig_diag *g = clear ? NULL : sig_diags_first(d->ctx); g; g = g->next)
        cJSON_AddItemToArray(arr, diagnostic(d, d->ctx, g));
    notify("textDocument/publishDiagnostics", p);
}

/* Checks the document's text as `check` checks a file: the same library
 * calls, the --iglu-repo directories and the -W policy. */
static void recheck(server *sv, lsp_doc *d)
{
    if (d->ctx && d->ctx != d->good) sig_ctx_free(d->ctx);
    sig_ctx *ctx = sig_ctx_new();
    cli_add_iglu_repos(ctx, sv->c);
    sig_ctx_add_buffer(ctx, d->path, d->text, d->len);
    const sig_model *m = sig_ctx_check(ctx);
    if (m) sig_lint(ctx, m, NULL);
    sig_warning_policy_apply(sv->c->wpolicy, ctx);
    d->ctx = ctx;
    if (m) {
        if (d->good) sig_ctx_free(d->good);
        d->good = ctx;
    }
    publish(d, false);
}

static void set_text(lsp_doc *d, const cJSON *text)
{
    free(d->text);
    d->len = strlen(text->valuestring);
    d->text = strdup(text->valuestring);
    if (!d->text) abort();
}

static void doc_free(lsp_doc *d)
{
    if (d->ctx != d->good) sig_ctx_free(d->ctx);
    if (d->good) sig_ctx_free(d->good);
    free(d->uri);
    free(d->path);
    free(d->text);
    free(d);
}

static void did_open(server *sv, const cJSON *params)
{
    const cJSON *td = cJSON_GetObjectItemCaseSensitive(params, "textDocument");
    const cJSON *uri = cJSON_GetObjectItemCaseSensitive(td, "uri");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(td, "text");
    if (!cJSON_IsString(uri) || !cJSON_IsString(text)) return;
    lsp_doc *d = find_doc(sv, params);
    if (!d) {
        d = calloc(1, sizeof *d);
        if (!d) abort();
        d->uri = strdup(uri->valuestring);
        d->path = path_from_uri(uri->valuestring);
        d->next = sv->docs;
        sv->docs = d;
    }
    set_text(d, text);
    recheck(sv, d);
}

/* Full synchronisation (TextDocumentSyncKind.Full): the last change holds
 * the whole text. */
static void did_change(server *sv, const cJSON *params)
{
    lsp_doc *d = find_doc(sv, params);
    const cJSON *changes = cJSON_GetObjectItemCaseSensitive(params, "contentChanges");
    int n = cJSON_GetArraySize(changes);
    const cJSON *text = n ? cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(changes, n - 1), "text")
                          : NULL;
    if (!d || !cJSON_IsString(text)) return;
    set_text(d, text);
    recheck(sv, d);
}

static void did_close(server *sv, const cJSON *params)
{
    lsp_doc *d = find_doc(sv, params);
    if (!d) return;
    publish(d, true);
    for (lsp_doc **p = &sv->docs; *p; p = &(*p)->next) {
        if (*p == d) {
            *p = d->next;
            break;
        }
    }
    doc_free(d);
}

/* Quick fixes: each diagnostic of the current text that carries a
 * replacement (did-you-mean) and touches the requested range becomes a
 * CodeAction replacing its span (LSP 3.17, textDocument/codeAction). */
static cJSON *code_actions(const lsp_doc *d, const cJSON *params)
{
    const sig_source *s = sig_ctx_source(d->ctx, 1);
    cJSON *arr = cJSON_CreateArray();
    const cJSON *range = cJSON_GetObjectItemCaseSensitive(params, "range");
    if (!s || !range) return arr;
    size_t lo = lsp_offset(s, cJSON_GetObjectItemCaseSensitive(range, "start"));
    size_t hi = lsp_offset(s, cJSON_GetObjectItemCaseSensitive(range, "end"));
    sig_arena *a = sig_ctx_arena(d->ctx);
    for (const sig_diag *g = sig_diags_first(d->ctx); g; g = g->next) {
        if (!g->replacement || g->loc.file != 1 || !g->loc.line) continue;
        if (g->loc.start > hi || lo > g->loc.end) continue;
        cJSON *act = cJSON_CreateObject();
        cJSON_AddStringToObject(act, "title", sig_utf8_repair(a, sig_arena_printf(
                                    a, "Replace with `%s`", g->replacement)));
        cJSON_AddStringToObject(act, "kind", "quickfix");
        cJSON_AddItemToArray(cJSON_AddArrayToObject(act, "diagnostics"), diagnostic(d, d->ctx, g));
        cJSON_AddBoolToObject(act, "isPreferred", true);
        cJSON *changes = cJSON_AddObjectToObject(cJSON_AddObjectToObject(act, "edit"), "changes");
        cJSON *edit = cJSON_CreateObject();
        cJSON_AddItemToObject(edit, "range", lsp_range(s, g->loc));
        cJSON_AddStringToObject(edit, "newText", sig_utf8_repair(a, g->replacement));
        cJSON_AddItemToArray(cJSON_AddArrayToObject(changes, d->uri), edit);
        cJSON_AddItemToArray(arr, act);
    }
    return arr;
}

/* textDocument/formatting (LSP 3.17): the whole text as `signalsc fmt`
 * writes it, one edit; none when it is already formatted or does not parse
 * (its syntax errors are already published). */
static cJSON *formatting(const lsp_doc *d, const cJSON *params)
{
    (void)params;
    cJSON *edits = cJSON_CreateArray();
    const sig_source *src = sig_ctx_source(d->ctx, 1);
    if (!src) return edits;
    sig_ctx *ctx = sig_ctx_new();
    unsigned id = sig_ctx_add_buffer(ctx, d->path, d->text, d->len);
    sig_buf out = {.arena = sig_ctx_arena(ctx)};
    if (sig_format(ctx, id, &out) && (out.len != d->len || memcmp(out.data, d->text, d->len) != 0)) {
        uint32_t line = 1, col = 1;
        for (size_t i = 0; i < d->len; i++) {
            if (d->text[i] == '\n') { line++; col = 1; }
            else col++;
        }
        cJSON *edit = cJSON_CreateObject();
        cJSON *range = cJSON_AddObjectToObject(edit, "range");
        cJSON_AddItemToObject(range, "start", lsp_position(src, 1, 1));
        cJSON_AddItemToObject(range, "end", lsp_position(src, line, col));
        cJSON_AddStringToObject(edit, "newText", sig_buf_str(&out));
        cJSON_AddItemToArray(edits, edit);
    }
    sig_ctx_free(ctx);
    return edits;
}

/* ------------------------------------------------------------ dispatch */

static cJSON *capabilities(void)
{
    cJSON *r = cJSON_CreateObject();
    cJSON *caps = cJSON_AddObjectToObject(r, "capabilities");
    cJSON_AddStringToObject(caps, "positionEncoding", "utf-16");
    cJSON *sync = cJSON_AddObjectToObject(caps, "textDocumentSync");
    cJSON_AddBoolToObject(sync, "openClose", true);
    cJSON_AddNumberToObject(sync, "change", 1);
    cJSON_AddBoolToObject(caps, "documentSymbolProvider", true);
    cJSON_AddBoolToObject(caps, "definitionProvider", true);
    cJSON_AddBoolToObject(caps, "referencesProvider", true);
    cJSON_AddBoolToObject(caps, "hoverProvider", true);
    cJSON_AddBoolToObject(caps, "renameProvider", true);
    cJSON_AddBoolToObject(caps, "documentFormattingProvider", true);
    cJSON *fixes = cJSON_AddObjectToObject(caps, "codeActionProvider");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(fixes, "codeActionKinds"), cJSON_CreateString("quickfix"));
    cJSON *comp = cJSON_AddObjectToObject(caps, "completionProvider");
    cJSON_AddBoolToObject(comp, "resolveProvider", false);
    cJSON *info = cJSON_AddObjectToObject(r, "serverInfo");
    cJSON_AddStringToObject(info, "name", "signalsc");
    cJSON_AddStringToObject(info, "version", SIGNALS_VERSION);
    return r;
}

static void request(server *sv, const char *method, const cJSON *id, const cJSON *params)
{
    if (strcmp(method, "initialize") == 0) {
        sv->initialized = true;
        respond(id, capabilities());
        return;
    }
    if (!sv->initialized) {
        respond_error(id, RPC_NOT_INITIALIZED, "the server is not initialized");
        return;
    }
    if (strcmp(method, "shutdown") == 0) {
        sv->shutdown = true;
        respond(id, NULL);
        return;
    }
    static const struct {
        const char *method;
        cJSON *(*fn)(const lsp_doc *, const cJSON *);
    } table[] = {
        {"textDocument/definition", lsp_definition},
        {"textDocument/references", lsp_references},
        {"textDocument/hover", lsp_hover},
        {"textDocument/completion", lsp_completion},
        {"textDocument/codeAction", code_actions},
        {"textDocument/formatting", formatting},
    };
    const lsp_doc *d = find_doc(sv, params);
    if (strcmp(method, "textDocument/rename") == 0) {
        const char *why = "the document is not open";
        cJSON *edit = d ? lsp_rename(d, params, &why) : NULL;
        if (edit) respond(id, edit);
        else respond_error(id, RPC_INVALID_PARAMS, why);
        return;
    }
    if (strcmp(method, "textDocument/documentSymbol") == 0) {
        respond(id, d ? lsp_document_symbols(d) : NULL);
        return;
    }
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        if (strcmp(method, table[i].method) == 0) {
            respond(id, d ? table[i].fn(d, params) : NULL);
            return;
        }
    }
    respond_error(id, RPC_NO_METHOD, "method not found");
}

static void notification(server *sv, const char *method, const cJSON *params)
{
    if (!sv->initialized) return;
    if (strcmp(method, "textDocument/didOpen") == 0) did_open(sv, params);
    else if (strcmp(method, "textDocument/didChange") == 0) did_change(sv, params);
    else if (strcmp(method, "textDocument/didClose") == 0) did_close(sv, params);
}

int cmd_lsp(const cli *c)
{
    if (c->nfiles) return usage_error("lsp takes no FILE (the editor sends the documents)");
    server sv = {.c = c};
    int status = EXIT_INPUT; /* the end of the input before `exit` */
    size_t len;
    char *body;
    while ((body = read_message(&len))) {
        cJSON *msg = cJSON_ParseWithLength(body, len);
        free(body);
        const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
        const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
        if (!msg) {
            respond_error(NULL, RPC_PARSE, "the message is not JSON");
        } else if (!cJSON_IsString(method)) {
            if (id) respond_error(id, RPC_INVALID, "a request without a method");
        } else if (strcmp(method->valuestring, "exit") == 0) {
            status = sv.shutdown ? EXIT_OK : EXIT_INPUT; /* LSP: 1 without shutdown */
            cJSON_Delete(msg);
            break;
        } else if (id) {
            request(&sv, method->valuestring, id, params);
        } else {
            notification(&sv, method->valuestring, params);
        }
        cJSON_Delete(msg);
    }
    while (sv.docs) {
        lsp_doc *d = sv.docs;
        sv.docs = d->next;
        doc_free(d);
    }
    return status;
}
