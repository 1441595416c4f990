/* Unit tests of the core runtime: arena, did-you-mean, diagnostics
 * rendering, source validation and atomic output. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "signals/signals.h"
#include "unit.h"

/* The rendered diagnostics as a malloc'd string. */
static char *render(sig_ctx *ctx, sig_diag_format fmt)
{
    FILE *f = tmpfile();
    sig_diags_render(ctx, f, fmt, false);
    long len = ftell(f);
    rewind(f);
    char *buf = calloc(1, (size_t)len + 1);
    if (fread(buf, 1, (size_t)len, f) != (size_t)len) buf[0] = '\0';
    fclose(f);
    return buf;
}

static sig_loc span(unsigned file, uint32_t start, uint32_t end, uint32_t line, uint32_t col)
{
    return (sig_loc){file, start, end, line, col, line, col + (end - start)};
}

TEST(arena_alloc_is_zeroed_and_aligned)
{
    sig_arena *a = sig_arena_new();
    for (int i = 0; i < 10000; i++) {
        char *p = sig_arena_alloc(a, (size_t)(i % 97) + 1);
        CHECK(((uintptr_t)p % _Alignof(max_align_t)) == 0);
        CHECK(p[0] == 0);
        p[0] = 'x';
    }
    char *big = sig_arena_alloc(a, 1 << 20); /* larger than a block */
    CHECK(big[(1 << 20) - 1] == 0);
    CHECK_STR(sig_arena_printf(a, "%s-%d", "v", 7), "v-7");
    CHECK_STR(sig_arena_strndup(a, "abcdef", 3), "abc");
    CHECK(sig_arena_strdup(a, NULL) == NULL);
    sig_ptrvec v = {0};
    for (intptr_t i = 0; i < 100; i++) sig_ptrvec_push(a, &v, (void *)i);
    CHECK_INT(v.len, 100);
    CHECK((intptr_t)v.items[99] == 99);
    sig_arena_free(a);
}

TEST(arena_grow_extends_in_place_and_keeps_contents)
{
    sig_arena *a = sig_arena_new();
    char *p = sig_arena_alloc(a, 16);
    memcpy(p, "0123456789abcde", 16);
    char *q = sig_arena_grow(a, p, 16, 64); /* newest allocation: same place */
    CHECK(q == p);
    CHECK_STR(q, "0123456789abcde");
    char *other = sig_arena_alloc(a, 8);
    char *r = sig_arena_grow(a, q, 64, 128); /* no longer the newest: moved */
    CHECK(r != q && r != other);
    CHECK_STR(r, "0123456789abcde");
    /* A big block grows by realloc and keeps its bytes. */
    char *big = sig_arena_alloc(a, 1 << 20);
    memset(big, 'b', 1 << 20);
    big = sig_arena_grow(a, big, 1 << 20, 4 << 20);
    CHECK(big[0] == 'b' && big[(1 << 20) - 1] == 'b');
    /* Shrinking the newest allocation gives its tail back zeroed. */
    char *s = sig_arena_alloc(a, 256);
    memset(s, 'x', 256);
    CHECK(sig_arena_grow(a, s, 256, 16) == s);
    char *t = sig_arena_alloc(a, 200);
    CHECK(t == s + 16);
    for (int i = 0; i < 200; i++) CHECK(t[i] == 0);
    sig_arena_free(a);
}

/* sig_buf_printf's own formatter against vsnprintf's, conversion by conversion. */
TEST(buf_printf_matches_snprintf)
{
    sig_arena *a = sig_arena_new();
    char want[256];
    sig_buf b = {.arena = a};
    sig_buf_printf(&b, "%s|%d|%i|%u|%zu|%lld|%llu|%ld|%c|%%|%.*s|%.*s|%.*s", "name", -2147483647 - 1,
                   42, 4294967295u, (size_t)123456789, -9223372036854775807LL - 1,
                   18446744073709551615ULL, -7L, 'q', 3, "abcdef", -1, "all", 10, "short");
    snprintf(want, sizeof want, "%s|%d|%i|%u|%zu|%lld|%llu|%ld|%c|%%|%.*s|%.*s|%.*s", "name",
             -2147483647 - 1, 42, 4294967295u, (size_t)123456789, -9223372036854775807LL - 1,
             18446744073709551615ULL, -7L, 'q', 3, "abcdef", -1, "all", 10, "short");
    CHECK_STR(sig_buf_str(&b), want);
    /* A conversion it does not handle after some it does: all redone by vsnprintf. */
    sig_buf c = {.arena = a};
    sig_buf_puts(&c, "pre:");
    sig_buf_printf(&c, "%s=%d %04x %.2f", "k", 5, 255u, 1.5);
    CHECK_STR(sig_buf_str(&c), "pre:k=5 00ff 1.50");
    CHECK_INT(c.len, strlen("pre:k=5 00ff 1.50"));
    sig_buf e = {.arena = a};
    sig_buf_printf(&e, "%s", "");
    CHECK(e.data != NULL);
    CHECK_STR(sig_arena_printf(a, "%s-%zu", "x", (size_t)0), "x-0");
    sig_arena_free(a);
}

TEST(did_you_mean_finds_close_words_only)
{
    static const char *const words[] = {"counter", "sum", "min", "max", "mean",
                                        "first", "last", "unique_list", NULL};
    CHECK_STR(sig_did_you_mean("countr", words, 0), "counter");
    CHECK_STR(sig_did_you_mean("uniqe_list", words, 0), "unique_list");
    CHECK_STR(sig_did_you_mean("frist", words, 0), "first"); /* transposition */
    CHECK_STR(sig_did_you_mean("COUNTER", words, 0), "counter"); /* keywords are case-sensitive */
    CHECK(sig_did_you_mean("counter", words, 0) == NULL);          /* the word itself */
    CHECK(sig_did_you_mean("average", words, 0) == NULL);
    CHECK(sig_did_you_mean("", words, 0) == NULL);
}

TEST(text_diagnostic_has_header_excerpt_underline_help)
{
    sig_ctx *ctx = sig_ctx_new();
    const char *text = "event pv = iglu:a/b\nattribute x = countr() from pv\n";
    unsigned id = sig_ctx_add_buffer(ctx, "spec.signals", text, strlen(text));
    CHECK(id == 1);
    /* `countr` at line 2, col 15 (offset 20 + 14) */
    sig_diag *d = sig_error(ctx, span(id, 34, 40, 2, 15), "E0001", "unknown aggregation `%s`", "countr");
    sig_diag_label(ctx, d, "not an aggregation");
    sig_diag_suggest(ctx, d, "counter");
    sig_diag_note(ctx, d, span(id, 6, 8, 1, 7), "`pv` declared here");
    char *out = render(ctx, SIG_DIAG_TEXT);
    CHECK_STR(out,
              "spec.signals:2:15: error[E0001]: unknown aggregation `countr`\n"
              " 2 | attribute x = countr() from pv\n"
              "   |               ^~~~~~ not an aggregation\n"
              "spec.signals:1:7: note: `pv` declared here\n"
              " 1 | event pv = iglu:a/b\n"
              "   |       ^~\n"
              "   = help: did you mean `counter`?\n"
              "1 error, 0 warnings\n");
    free(out);
    CHECK_INT(sig_error_count(ctx), 1);
    sig_ctx_free(ctx);
}

TEST(diagnostics_are_sorted_by_position_and_json_is_one_line_each)
{
    sig_ctx *ctx = sig_ctx_new();
    const char *text = "a\nb\n";
    unsigned id = sig_ctx_add_buffer(ctx, "s.signals", text, strlen(text));
    sig_error(ctx, span(id, 2, 3, 2, 1), "E0001", "second");
    sig_warning(ctx, span(id, 0, 1, 1, 1), "E0002", "first \"quoted\"");
    char *out = render(ctx, SIG_DIAG_JSON);
    char *nl = strchr(out, '\n');
    CHECK(nl != NULL);
    CHECK(strstr(out, "\"message\":\"first \\\"quoted\\\"\"") != NULL);
    CHECK(strstr(out, "\"severity\":\"warning\"") < nl); /* first line is the warning */
    CHECK(strstr(nl + 1, "\"code\":\"E0001\"") != NULL);
    CHECK(strstr(out, "\"line_start\":2") != NULL);
    free(out);
    sig_ctx_free(ctx);
}

TEST(tabs_in_the_source_keep_the_underline_aligned)
{
    sig_ctx *ctx = sig_ctx_new();
    const char *text = "\tfoo bar\n";
    unsigned id = sig_ctx_add_buffer(ctx, "t.signals", text, strlen(text));
    sig_error(ctx, span(id, 5, 8, 1, 6), "E0001", "m");
    char *out = render(ctx, SIG_DIAG_TEXT);
    CHECK(strstr(out, "   | \t    ^~~\n") != NULL);
    free(out);
    sig_ctx_free(ctx);
}

TEST(invalid_utf8_and_nul_bytes_are_rejected_with_a_location)
{
    sig_ctx *ctx = sig_ctx_new();
    const char bad[] = "ok\nx\xff y";
    CHECK(sig_ctx_add_buffer(ctx, "bad.signals", bad, sizeof bad - 1) == 0);
    const sig_diag *d = sig_diags_first(ctx);
    CHECK(d != NULL);
    CHECK_STR(d->code, "E0002");
    CHECK_INT(d->loc.line, 2);
    CHECK_INT(d->loc.col, 2);
    const char nul[] = "a\0b";
    CHECK(sig_ctx_add_buffer(ctx, "nul.signals", nul, 3) == 0);
    const char overlong[] = "\xc0\xaf";
    CHECK(sig_ctx_add_buffer(ctx, "o.signals", overlong, 2) == 0);
    const char ok[] = "caf\xc3\xa9 \xf0\x9f\x98\x80";
    CHECK(sig_ctx_add_buffer(ctx, "ok.signals", ok, sizeof ok - 1) != 0);
    CHECK_INT(sig_error_count(ctx), 3);
    sig_ctx_free(ctx);
}

TEST(missing_file_is_E0001)
{
    sig_ctx *ctx = sig_ctx_new();
    CHECK(sig_ctx_add_file(ctx, "/nonexistent/x.signals", NULL) == 0);
    CHECK_STR(sig_diags_first(ctx)->code, "E0001");
    CHECK(strstr(sig_diags_first(ctx)->message, "No such file") != NULL);
    sig_ctx_free(ctx);
}

TEST(control_and_bidi_characters_are_escaped_with_the_underline_aligned)
{
    sig_ctx *ctx = sig_ctx_new();
    const char *text = "a\x1b\xe2\x80\xae b\n";            /* a ESC RLO space b */
    unsigned id = sig_ctx_add_buffer(ctx, "c\x07.signals", text, strlen(text));
    sig_error(ctx, span(id, 6, 7, 1, 7), "E0001", "m \x1b[2J");
    char *out = render(ctx, SIG_DIAG_TEXT);
    CHECK(strstr(out, "c\\x07.signals:1:7: error[E0001]: m \\x1b[2J\n") != NULL);
    CHECK(strstr(out, " 1 | a\\x1b\\u202e b\n") != NULL);
    CHECK(strstr(out, "   | " "            ^\n") != NULL); /* under `b` */
    CHECK(strchr(out, '\x1b') == NULL && strstr(out, "\xe2\x80\xae") == NULL);
    free(out);
    sig_ctx_free(ctx);
}

TEST(read_input_takes_regular_files_only)
{
    char dir[] = "/tmp/signals-unit-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char fifo[64], file[64];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(file, sizeof file, "%s/file", dir);
    CHECK(mkfifo(fifo, 0600) == 0);
    FILE *f = fopen(file, "wb");
    CHECK(f != NULL);
    if (f) {
        fputs("a\0b", f);
        fputc('\0', f);
        fclose(f);
    }
    size_t len = 0;
    const char *why = NULL;
    CHECK(sig_read_input(fifo, &len, &why) == NULL); /* and returns: no writer needed */
    CHECK(why && strstr(why, "FIFO") != NULL);
    CHECK(sig_read_input(dir, &len, &why) == NULL);
    CHECK(why && strstr(why, "directory") != NULL);
    char *buf = sig_read_input(file, &len, &why);
    CHECK(buf != NULL);
    CHECK_INT(len, 2);
    if (buf) CHECK(buf[0] == 'a' && buf[1] == '\0' && buf[2] == '\0');
    free(buf);
    CHECK(truncate(file, (off_t)SIG_MAX_INPUT_BYTES + 1) == 0); /* sparse */
    CHECK(sig_read_input(file, &len, &why) == NULL);
    CHECK(why && strstr(why, "64 MiB") != NULL);
    unlink(fifo);
    unlink(file);
    rmdir(dir);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

TEST(output_is_written_atomically_and_only_replaces_its_own_directories)
{
    char root[] = "/tmp/signals-unit-XXXXXX";
    CHECK(mkdtemp(root) != NULL);
    sig_arena *a = sig_arena_new();
    char *dest = sig_arena_printf(a, "%s/out", root);
    const char *err = NULL;

    sig_output out;
    sig_output_init(&out, a);
    sig_output_add(&out, "models/b.sql", "select 2", 8);
    sig_output_add(&out, "a.yml", "x: 1\n", 5);
    sig_output_add(&out, "models/b.sql", "select 3", 8); /* replaces */
    CHECK_INT(out.nfiles, 2);
    CHECK_STR(out.files[0].path, "a.yml"); /* sorted */
    CHECK(sig_output_write(&out, dest, &err));
    CHECK_STR(read_all(sig_arena_printf(a, "%s/models/b.sql", dest)), "select 3");

    /* A second write replaces the first completely. */
    sig_output out2;
    sig_output_init(&out2, a);
    sig_output_add(&out2, "c.txt", "c", 1);
    CHECK(sig_output_write(&out2, dest, &err));
    CHECK(access(sig_arena_printf(a, "%s/a.yml", dest), F_OK) != 0);
    CHECK_STR(read_all(sig_arena_printf(a, "%s/c.txt", dest)), "c");

    /* A directory that signalsc did not write is never replaced. */
    char *user = sig_arena_printf(a, "%s/user", root);
    mkdir(user, 0755);
    FILE *f = fopen(sig_arena_printf(a, "%s/precious.txt", user), "w");
    fputs("keep", f);
    fclose(f);
    CHECK(!sig_output_write(&out2, user, &err));
    CHECK(err && strstr(err, "refusing") != NULL);
    CHECK_STR(read_all(sig_arena_printf(a, "%s/precious.txt", user)), "keep");

    /* Unsafe paths are refused and nothing is written. */
    sig_output bad;
    sig_output_init(&bad, a);
    sig_output_add(&bad, "../escape", "x", 1);
    CHECK(!sig_output_write(&bad, sig_arena_printf(a, "%s/bad", root), &err));
    CHECK(access(sig_arena_printf(a, "%s/bad", root), F_OK) != 0);

    /* Single-file mode. */
    sig_output one;
    sig_output_init(&one, a);
    one.single_file = true;
    sig_output_add(&one, "ignored", "create schema x;\n", 17);
    char *file = sig_arena_printf(a, "%s/x.sql", root);
    CHECK(sig_output_write(&one, file, &err));
    CHECK_STR(read_all(file), "create schema x;\n");

    char *cmd = sig_arena_printf(a, "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
    sig_arena_free(a);
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

TEST(output_keeps_files_it_did_not_generate_and_guards_one_file_outputs)
{
    char root[] = "/tmp/signals-unit-XXXXXX";
    CHECK(mkdtemp(root) != NULL);
    sig_arena *a = sig_arena_new();
    char *dest = sig_arena_printf(a, "%s/out/", root); /* trailing slash */
    const char *err = NULL;
    sig_output out;
    sig_output_init(&out, a);
    sig_output_add(&out, "models/a.sql", "a", 1);
    sig_output_add(&out, "models/old/b.sql", "b", 1);
    CHECK(sig_output_write(&out, dest, &err));
    /* The user's files, also inside a generated folder, survive; generated
     * files no longer generated go, with the folder that only held them. */
    put(sig_arena_printf(a, "%s/models/mine.sql", dest), "mine");
    mkdir(sig_arena_printf(a, "%s/target", dest), 0755);
    put(sig_arena_printf(a, "%s/target/run.json", dest), "{}");
    struct stat before, after;
    CHECK(stat(sig_arena_printf(a, "%s/target/run.json", dest), &before) == 0);
    sig_output next;
    sig_output_init(&next, a);
    sig_output_add(&next, "models/a.sql", "A", 1);
    CHECK(sig_output_write(&next, dest, &err));
    CHECK_STR(read_all(sig_arena_printf(a, "%s/models/a.sql", dest)), "A");
    CHECK_STR(read_all(sig_arena_printf(a, "%s/models/mine.sql", dest)), "mine");
    CHECK(stat(sig_arena_printf(a, "%s/target/run.json", dest), &after) == 0);
    CHECK(before.st_ino == after.st_ino);
    CHECK(access(sig_arena_printf(a, "%s/models/old", dest), F_OK) != 0);

    /* One-file outputs: never over an input, a link or a foreign file. */
    sig_output one;
    sig_output_init(&one, a);
    one.single_file = true;
    sig_output_add(&one, "x", "-- Generated by signalsc 0\n", 27);
    char *spec = sig_arena_printf(a, "%s/spec.signals", root);
    put(spec, "event e = iglu:a/b/jsonschema/1-0-0\n");
    sig_output_protect(&one, spec);
    CHECK(!sig_output_write(&one, spec, &err));
    CHECK(err && strstr(err, "input") != NULL);
    char *link = sig_arena_printf(a, "%s/link.sql", root);
    CHECK(symlink("spec.signals", link) == 0);
    CHECK(!sig_output_write(&one, link, &err));
    CHECK(err && strstr(err, "symbolic link") != NULL);
    char *mine = sig_arena_printf(a, "%s/mine.sql", root);
    put(mine, "select 1;\n");
    CHECK(!sig_output_write(&one, mine, &err));
    CHECK_STR(read_all(mine), "select 1;\n");
    CHECK_STR(read_all(spec), "event e = iglu:a/b/jsonschema/1-0-0\n");
    char *sql = sig_arena_printf(a, "%s/new/dir/x.sql", root); /* mkdir -p */
    CHECK(sig_output_write(&one, sql, &err));
    CHECK(sig_output_write(&one, sql, &err)); /* its own file: replaced */

    char *cmd = sig_arena_printf(a, "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
    sig_arena_free(a);
}

/* ------------------------------------------------------ Snowplow naming */

/* One camelCase rule for column stems and struct fields:
 * re.sub(r"([^A-Z_])([A-Z])", r"\1_\2", s).lower(). */
TEST(naming_snake_case)
{
    sig_arena *a = sig_arena_new();
    CHECK_STR(sig_snake_case(a, "deviceClass"), "device_class");
    CHECK_STR(sig_snake_case(a, "CamelCase"), "camel_case");
    CHECK_STR(sig_snake_case(a, "HTTPStatus"), "httpstatus");
    CHECK_STR(sig_snake_case(a, "v2Name"), "v2_name");
    CHECK_STR(sig_snake_case(a, "already_snake"), "already_snake");
    CHECK_STR(sig_snake_case(a, "_Leading"), "_leading");
    CHECK_STR(sig_snake_case(a, "a_B"), "a_b");
    CHECK_STR(sig_snake_case(a, "a-B.c"), "a-_b.c"); /* other bytes are kept */
    CHECK_STR(sig_snake_case(a, ""), "");
    CHECK(sig_snake_case(a, NULL) == NULL);
    /* The stem is the same rule on the name, then '.' and '-' as '_'. */
    CHECK_STR(sig_warehouse_stem(a, "com.Acme-x", "my-Event.v"), "com_acme_x_my__event_v");
    sig_arena_free(a);
}

static bool parse_col(const char *s, sig_warehouse_column *wc)
{
    return sig_warehouse_column_parse(s, strlen(s), wc);
}

TEST(naming_warehouse_column_parse)
{
    sig_warehouse_column wc;
    CHECK(parse_col("contexts_com_snowplowanalytics_snowplow_ecommerce_product_1", &wc));
    CHECK(!wc.is_event);
    CHECK_INT(wc.stem_len, strlen("com_snowplowanalytics_snowplow_ecommerce_product"));
    CHECK(strncmp(wc.stem, "com_snowplowanalytics_snowplow_ecommerce_product", wc.stem_len) == 0);
    CHECK_INT(wc.model, 1);
    CHECK(parse_col("unstruct_event_com_acme_my_event_12", &wc));
    CHECK(wc.is_event);
    CHECK_INT(wc.model, 12);
    CHECK(strncmp(wc.stem, "com_acme_my_event", wc.stem_len) == 0 && wc.stem_len == 17);
    CHECK(parse_col("contexts_x_999999999", &wc) && wc.model == 999999999);
    /* `len` bounds the name: the `[0].price` after it is the caller's. */
    const char *prop = "contexts_com_acme_ctx_2[0].price";
    CHECK(sig_warehouse_column_parse(prop, strcspn(prop, "[.:"), &wc));
    CHECK_INT(wc.model, 2);
    CHECK(wc.stem == prop + 9 && wc.stem_len == strlen("com_acme_ctx"));

    CHECK(!parse_col("contexts_x_1234567890", &wc)); /* more than 9 digits */
    CHECK(!parse_col("contexts__1", &wc));           /* empty stem */
    CHECK(!parse_col("contexts_1", &wc));
    CHECK(!parse_col("contexts_", &wc));
    CHECK(!parse_col("contexts_x_", &wc));
    CHECK(!parse_col("contexts_x1", &wc));           /* no '_' before the version */
    CHECK(!parse_col("unstruct_event_x", &wc));
    CHECK(!parse_col("derived_contexts_x_1", &wc));
    CHECK(!parse_col("mkt_source", &wc));
    CHECK(!sig_warehouse_column_parse(prop, strlen(prop), &wc)); /* not just the name */

    /* The inverse of sig_schema_column(). */
    sig_arena *a = sig_arena_new();
    sig_schema_ref ref = {.vendor = "com.acme", .name = "myCtx", .has_version = true,
                          .model = 3, .revision = -1, .addition = -1};
    const char *col = sig_schema_column(a, "unstruct_event_", &ref);
    CHECK(parse_col(col, &wc) && wc.is_event && wc.model == 3);
    CHECK(strncmp(wc.stem, sig_warehouse_stem(a, "com.acme", "myCtx"), wc.stem_len) == 0);
    sig_arena_free(a);
}
