/* main.c: the signalsc command line, a thin layer over libsignals.
 *
 * Exit status: 0 success, 1 errors in the input (or the output could not be
 * written, or the Signals API failed), 2 usage errors (also: the API client
 * is not configured, or a change was not confirmed with no terminal to ask
 * on), 3 `plan --exit-code` found changes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* A write to standard output can fail late (full disk, closed pipe): the
 * error only shows in the stream's error indicator or when the buffer is
 * flushed, so check both once before exit (ferror(3), fclose(3)). */
static int check_stdout(int status)
{
    bool bad = ferror(stdout) != 0;
    errno = 0;
    if (fclose(stdout) != 0 || bad) {
        fprintf(stderr, "signalsc: error: cannot write standard output: %s\n",
                errno ? strerror(errno) : "write error");
        if (status == EXIT_OK || status == EXIT_CHANGES) status = EXIT_INPUT;
    }
    return status;
}

int main(int argc, char **argv)
{
    cli c = {.format = SIG_DIAG_TEXT, .color = -1,
             .api = {.connect_timeout = -1, .timeout = -1, .retries = -1, .retry_base_ms = -1,
                     .retry_max_ms = -1},
             .wpolicy = sig_warning_policy_new()};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--format=json") == 0 ||
            (strcmp(argv[i], "--format") == 0 && i + 1 < argc && strcmp(argv[i + 1], "json") == 0))
            cli_json_errors = true;
        if (strcmp(argv[i], "--") == 0) break;
    }
    int rc = cli_parse(argc, argv, &c);
    int status;
    const cli_command *cmd;
    if (rc > 0) status = rc;
    else if (rc < 0) status = EXIT_OK; /* --help, --version */
    else if (!c.command) {
        cli_print_usage(stderr);
        status = EXIT_USAGE;
    } else if ((cmd = cli_find_command(c.command))) {
        status = cmd->run(&c);
    } else {
        const char *names[64];
        size_t n = 0;
        for (const cli_command *k = cli_commands; k->name && n < 63; k++) names[n++] = k->name;
        names[n] = NULL;
        const char *s = sig_did_you_mean(c.command, names, 0);
        status = usage_error("unknown command '%s'%s%s%s", c.command, s ? "; did you mean '" : "",
                             s ? s : "", s ? "'?" : "");
    }
    free(c.files);
    free(c.iglu_repos);
    sig_warning_policy_free(c.wpolicy);
    return check_stdout(status);
}
