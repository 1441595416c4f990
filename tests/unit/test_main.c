/* The unit-test runner: runs every registered test, or those whose name
 * contains argv[1]; prints one line per failure and a closing
 * "N passed, N failed" line; exits 1 when any test failed. */
#include <stdarg.h>
#include <stdlib.h>

#include "unit.h"

typedef struct unit_test {
    const char *name, *file;
    unit_fn fn;
} unit_test;

static unit_test tests[1024];
static size_t ntests;
static int current_failed;

void unit_register(const char *name, const char *file, unit_fn fn)
{
    if (ntests == sizeof tests / sizeof tests[0]) {
        fprintf(stderr, "unit: too many tests\n");
        exit(2);
    }
    tests[ntests++] = (unit_test){name, file, fn};
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    current_failed = 1;
}

int main(int argc, char **argv)
{
    size_t passed = 0, failed = 0;
    for (size_t i = 0; i < ntests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1])) continue;
        current_failed = 0;
        tests[i].fn();
        if (current_failed) {
            fprintf(stderr, "FAIL %s (%s)\n", tests[i].name, tests[i].file);
            failed++;
        } else {
            passed++;
        }
    }
    printf("unit: %zu passed, %zu failed\n", passed, failed);
    return failed ? 1 : 0;
}
