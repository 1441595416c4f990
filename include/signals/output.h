/* output.h: generated files, built in memory and written atomically.
 *
 * A backend never touches the file system: it adds files to a sig_output.
 * The driver writes the whole set with sig_output_write(), which either
 * leaves the complete new output in place or leaves the previous one
 * untouched, so a failed compile never leaves a partial project. */
#ifndef SIGNALS_OUTPUT_H
#define SIGNALS_OUTPUT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "signals/export.h"
#include "signals/arena.h"

/* A growable byte buffer in an arena. Zero-initialise with the arena set:
 * `sig_buf b = {.arena = a};`. `data` is always NUL-terminated once anything
 * was appended (NULL before). */
typedef struct sig_buf {
    sig_arena *arena;
    char *data;
    size_t len;
    size_t cap;
} sig_buf;

/* Append to `b` (growing it in its arena): `len` bytes of `s`, a
 * NUL-terminated string, one character, or printf-formatted text. */
SIG_API void sig_buf_append(sig_buf *b, const char *s, size_t len);
SIG_API void sig_buf_puts(sig_buf *b, const char *s);
SIG_API void sig_buf_putc(sig_buf *b, char c);
SIG_API void sig_buf_printf(sig_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
SIG_API void sig_buf_vprintf(sig_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* The contents as a string ("" when empty). Owned by the arena. */
SIG_API const char *sig_buf_str(sig_buf *b);

typedef struct sig_output_file {
    const char *path;    /* relative, '/'-separated, no "..", no leading '/' */
    const char *data;
    size_t len;
} sig_output_file;

typedef struct sig_output {
    sig_arena *arena;
    sig_output_file *files;  /* kept sorted by path */
    size_t nfiles;
    size_t cap;
    /* true: the output is a single file (written to the -o path itself);
     * then exactly one file is added and its path is ignored. */
    bool single_file;
} sig_output;

/* A new empty output using `arena`. */
SIG_API void sig_output_init(sig_output *out, sig_arena *arena);

/* Adds (or replaces) the file at relative `path` with `len` bytes of `data`
 * (both copied). */
SIG_API void sig_output_add(sig_output *out, const char *path, const char *data, size_t len);
SIG_API void sig_output_add_buf(sig_output *out, const char *path, sig_buf *b);

/* The file at `path`, or NULL. */
SIG_API const sig_output_file *sig_output_find(const sig_output *out, const char *path);

/* Writes the output under `dest` atomically: every file goes into a fresh
 * sibling directory `dest.tmp.XXXXXX`, which then replaces `dest` by
 * rename(2) (an existing `dest` is first moved aside and removed after the
 * swap). In single-file mode the one file is written to `dest.tmp.XXXXXX`
 * and renamed over `dest`. In directory mode the file SIG_OUTPUT_MARKER is
 * added, and an existing `dest` is replaced only when it is an empty
 * directory or holds that marker (an earlier output): any other existing
 * path is an error, so a mistaken `-o .` never deletes a user's files.
 * Files are written with mode 0644, directories
 * 0755. On failure returns false and sets *errmsg to a message (owned by the
 * output's arena) naming the path and strerror; `dest` is then unchanged. */
#define SIG_OUTPUT_MARKER ".signalsc-output"

SIG_API bool sig_output_write(const sig_output *out, const char *dest, const char **errmsg);

#endif
