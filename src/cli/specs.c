/* specs.c: `check` over several specs (each FILE a root with its imports,
 * as a C compiler treats several translation units), directories of specs,
 * `watch`, and make depfiles. */
#define _XOPEN_SOURCE 700 /* realpath(3) */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "signals/lint.h"

#include "signals/iglu.h"

#include "cli.h"

typedef struct strv {
    char **v;
    size_t n, cap;
} strv;

static void strv_push(strv *s, char *p)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        char **v = realloc(s->v, s->cap * sizeof *v);
        if (!v) abort();
        s->v = v;
    }
    s->v[s->n++] = p;
}

static void strv_free(strv *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Every `.signals` file under `dir`, depth first, names sorted bytewise in
 * each directory so that the order does not depend on the file system.
 * Hidden entries (.git, .venv) are skipped and symbolic links to
 * directories are not followed (no cycles). */
static void walk(const char *dir, strv *out)
{
    DIR *d = opendir(dir);
    if (!d) return;
    strv names = {0};
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') strv_push(&names, strdup(e->d_name));
    closedir(d);
    if (names.n) qsort(names.v, names.n, sizeof *names.v, cmp_str);
    size_t dl = strlen(dir);
    bool slash = dl > 0 && dir[dl - 1] == '/';
    for (size_t i = 0; i < names.n; i++) {
        size_t n = dl + strlen(names.v[i]) + 2;
        char *path = malloc(n);
        if (!path) abort();
        snprintf(path, n, "%s%s%s", dir, slash ? "" : "/", names.v[i]);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk(path, out);
            free(path);
        } else if (ends_with(names.v[i], ".signals")) {
            strv_push(out, path);
        } else {
            free(path);
        }
    }
    strv_free(&names);
}

static bool is_directory(const char *path)
{
    struct stat st;
    return strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* One spec of a check run. */
typedef struct spec {
    sig_ctx *ctx;
    char *self;   /* realpath of the root, NULL for standard input */
    strv reads;   /* realpaths of every file the spec read, itself included */
    bool dropped; /* another spec of the run imports this root */
} spec;

static bool reads_file(const spec *s, const char *path)
{
    for (size_t i = 0; path && i < s->reads.n; i++)
        if (strcmp(s->reads.v[i], path) == 0) return true;
    return false;
}

/* The backend's own checks (what compile would report) without writing:
 * the same sig_compile() as compile, into memory that is dropped. */
static void backend_checks(sig_ctx *ctx, const sig_model *m, const cli *c, const char *backend,
                           const char *root)
{
    sig_output out;
    sig_output_init(&out, sig_ctx_arena(ctx));
    sig_compile_options o = {
        .backend = backend,
        .target = c->target,
        .project_name = c->project_name ? c->project_name : project_name_from(sig_ctx_arena(ctx), root),
    };
    sig_compile(ctx, m, &o, &out);
}

static void check_one(spec *s, const cli *c, const char *root, const char *backend)
{
    s->ctx = sig_ctx_new();
    cli_add_iglu_repos(s->ctx, c);
    bool stdin_root = strcmp(root, "-") == 0;
    sig_ctx_add_file(s->ctx, root, stdin_root ? c->stdin_name : NULL);
    const sig_model *m = sig_ctx_check(s->ctx);
    if (m) {
        sig_lint(s->ctx, m, backend);
        if (c->since) sig_lint_since(s->ctx, m, c->since);
        if (backend) backend_checks(s->ctx, m, c, backend, root);
    }
    sig_warning_policy_apply(c->wpolicy, s->ctx);
    s->self = stdin_root ? NULL : realpath(root, NULL);
    for (unsigned id = stdin_root ? 2 : 1; id <= sig_ctx_source_count(s->ctx); id++) {
        const sig_source *src = sig_ctx_source(s->ctx, id);
        char *rp = src && src->path[0] != '<' ? realpath(src->path, NULL) : NULL;
        if (rp) strv_push(&s->reads, rp);
    }
}

/* The FILE arguments with each directory replaced by its .signals files. */
static void expand_roots(const cli *c, strv *roots)
{
    for (size_t i = 0; i < c->nfiles; i++) {
        if (!is_directory(c->files[i])) {
            strv_push(roots, strdup(c->files[i]));
            continue;
        }
        size_t before = roots->n;
        walk(c->files[i], roots);
        /* No spec under it: the directory itself is the input, and reading
         * it is error E0001 ("it is a directory"), as for any FILE. */
        if (roots->n == before) strv_push(roots, strdup(c->files[i]));
    }
}

char **cli_expand_files(const cli *c, size_t *n)
{
    strv roots = {0};
    expand_roots(c, &roots);
    *n = roots.n;
    return roots.v;
}

void cli_free_files(char **files, size_t n)
{
    strv s = {files, n, n};
    strv_free(&s);
}

/* Checks every root and renders the diagnostics; with `files_read`, also
 * collects there the real paths of every file a spec read. */
static int check_specs(const cli *c, const char *backend, strv *files_read)
{
    strv roots = {0};
    expand_roots(c, &roots);
    spec *specs = calloc(roots.n, sizeof *specs);
    if (!specs) abort();
    for (size_t i = 0; i < roots.n; i++) check_one(&specs[i], c, roots.v[i], backend);
    /* A root that another (kept) root imports was checked as part of that
     * spec: report it once, there. The same file twice counts once. */
    for (size_t i = 0; i < roots.n; i++) {
        spec *s = &specs[i];
        for (size_t j = 0; j < roots.n && !s->dropped && s->self; j++) {
            spec *o = &specs[j];
            if (j == i || o->dropped) continue;
            if (o->self && strcmp(o->self, s->self) == 0) s->dropped = j < i;
            else if (reads_file(o, s->self) && !reads_file(s, o->self)) s->dropped = true;
        }
    }
    sig_diag_sink *sink = sig_diag_sink_new(stderr, c->format, want_color(c));
    int status = EXIT_OK;
    for (size_t i = 0; i < roots.n; i++) {
        if (!specs[i].dropped) {
            sig_diag_sink_add(sink, specs[i].ctx);
            if (sig_error_count(specs[i].ctx)) status = EXIT_INPUT;
        }
    }
    sig_diag_sink_finish(sink);
    for (size_t i = 0; i < roots.n; i++) {
        for (size_t k = 0; files_read && k < specs[i].reads.n; k++) {
            strv_push(files_read, specs[i].reads.v[k]);
            specs[i].reads.v[k] = NULL;
        }
        sig_ctx_free(specs[i].ctx);
        free(specs[i].self);
        strv_free(&specs[i].reads);
    }
    free(specs);
    strv_free(&roots);
    return status;
}

static int check_backend(const cli *c, const char **backend)
{
    *backend = NULL;
    return c->backend || c->target ? cli_resolve_backend(c, backend) : 0;
}

int cmd_check(const cli *c)
{
    if (c->nfiles == 0) return usage_error("%s", "check needs at least one FILE ('-' for standard input)");
    const char *backend;
    int rc = check_backend(c, &backend);
    return rc ? rc : check_specs(c, backend, NULL);
}

/* ------------------------------------------------------------- watch */

/* Adds an inotify watch on the directory holding `path` (editors save by
 * writing a new file and renaming it over the old one, which a watch on
 * the file itself would lose). */
static void watch_dir_of(int fd, const char *path, bool is_dir)
{
    char *dir = strdup(path);
    if (!dir) abort();
    char *slash = strrchr(dir, '/');
    if (!is_dir) {
        if (slash && slash != dir) *slash = '\0';
        else if (slash) dir[1] = '\0';
        else strcpy(dir, ".");
    }
    inotify_add_watch(fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM);
    free(dir);
}

/* Blocks until a .signals file in a watched directory changes, then
 * waits until 100 ms pass without another change (one re-check per save,
 * however many events the editor's save makes). */
static void wait_for_change(int fd)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool changed = false;
    while (!changed) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            return;
        }
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *e = (const struct inotify_event *)(void *)p;
            if (e->len && ends_with(e->name, ".signals")) changed = true;
            p += sizeof *e + e->len;
        }
    }
    struct pollfd pfd = {fd, POLLIN, 0};
    while (poll(&pfd, 1, 100) > 0 && read(fd, buf, sizeof buf) > 0) {
    }
}

int cmd_watch(const cli *c)
{
    if (c->nfiles == 0) return usage_error("%s", "watch needs at least one FILE or DIR");
    for (size_t i = 0; i < c->nfiles; i++)
        if (strcmp(c->files[i], "-") == 0) return usage_error("%s", "watch cannot watch standard input");
    const char *backend;
    int rc = check_backend(c, &backend);
    if (rc) return rc;
    for (;;) {
        strv seen = {0};
        int status = check_specs(c, backend, &seen);
        int fd = inotify_init1(IN_CLOEXEC);
        if (fd < 0) {
            strv_free(&seen);
            fprintf(stderr, "signalsc: error: cannot watch files (inotify): %s\n", strerror(errno));
            return EXIT_INPUT;
        }
        for (size_t i = 0; i < seen.n; i++) watch_dir_of(fd, seen.v[i], false);
        for (size_t i = 0; i < c->nfiles; i++) watch_dir_of(fd, c->files[i], is_directory(c->files[i]));
        fprintf(stderr, "signalsc: %s; watching %zu file%s for changes (Ctrl-C stops)\n",
                status == EXIT_OK ? "no errors" : "errors", seen.n, seen.n == 1 ? "" : "s");
        fflush(stderr);
        strv_free(&seen);
        wait_for_change(fd);
        close(fd);
        fputs("\n", stderr);
    }
}

/* ----------------------------------------------------------- depfile */

/* A file name in a make rule: blanks and '#' escaped with '\', '$' as
 * "$$" (GNU make manual, "Rule Syntax"; gcc -MD writes the same). */
static void make_name(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '#' || *s == '\\') fputc('\\', f);
        if (*s == '$') fputc('$', f);
        fputc(*s, f);
    }
}

bool cli_write_depfile(sig_ctx *ctx, const cli *c, const char *target)
{
    size_t n = strlen(c->depfile) + 16;
    char *tmp = malloc(n);
    if (!tmp) abort();
    snprintf(tmp, n, "%s.tmpXXXXXX", c->depfile);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    bool ok = f != NULL;
    if (ok) {
        make_name(f, target);
        fputc(':', f);
        strv deps = {0};
        for (unsigned id = 1; id <= sig_ctx_source_count(ctx); id++) {
            const sig_source *src = sig_ctx_source(ctx, id);
            if (!src || src->path[0] == '<' || access(src->path, F_OK) != 0) continue;
            strv_push(&deps, strdup(src->path));
            fputs(" \\\n ", f);
            make_name(f, src->path);
        }
        /* and the Iglu schemas the checks read */
        const char *const *schemas;
        size_t nschemas = sig_iglu_files_read(ctx, &schemas);
        for (size_t i = 0; i < nschemas; i++) {
            strv_push(&deps, strdup(schemas[i]));
            fputs(" \\\n ", f);
            make_name(f, schemas[i]);
        }
        fputc('\n', f);
        /* An empty rule per input, as gcc -MP: a deleted import does not
         * stop make. */
        for (size_t i = 0; i < deps.n; i++) {
            fputc('\n', f);
            make_name(f, deps.v[i]);
            fputs(":\n", f);
        }
        strv_free(&deps);
        ok = fclose(f) == 0;
        if (ok) ok = rename(tmp, c->depfile) == 0;
    } else if (fd >= 0) {
        close(fd);
    }
    if (!ok) {
        sig_error(ctx, SIG_NOLOC, "E0903", "cannot write the depfile `%s`: %s", c->depfile,
                  strerror(errno));
        if (fd >= 0) unlink(tmp);
    }
    free(tmp);
    return ok;
}
