/* help.c: the usage text and each command's --help, generated from the
 * command and option tables (table.c). */
#include <string.h>

#include "cli.h"

enum { HELP_COLUMN = 27 };

/* Writes "  LEFT   text", continuing `text`'s further lines under its first. */
static void help_row(FILE *out, const char *left, const char *text)
{
    int n = fprintf(out, "  %s", left);
    if (n >= HELP_COLUMN - 1) {
        fputc('\n', out);
        n = 0;
    }
    fprintf(out, "%*s", HELP_COLUMN - n, "");
    for (const char *p = text; *p; p++) {
        fputc(*p, out);
        if (*p == '\n') fprintf(out, "%*s", HELP_COLUMN, "");
    }
    fputc('\n', out);
}

static void option_row(FILE *out, const cli_option *o)
{
    char left[96];
    if (o->short_name)
        snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
    else
        snprintf(left, sizeof left, "    --%s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
    help_row(out, left, o->help);
}

/* The options of the groups in `mask`, under their groups' titles. */
static void print_options(FILE *out, unsigned mask)
{
    size_t ngroups = 0;
    while (ngroups < 32 && (1u << ngroups) <= CLI_G_LAST) ngroups++;
    for (size_t g = 0; g < ngroups; g++) {
        unsigned bit = 1u << g;
        if (!(mask & bit)) continue;
        fprintf(out, "\n%s:\n", cli_group_titles[g]);
        for (const cli_option *o = cli_options; o->name; o++)
            if (o->groups == ~0u ? false : (o->groups & bit) && !(o->groups & (bit - 1) & mask))
                option_row(out, o);
    }
    fputs("\nGeneral:\n", out);
    for (const cli_option *o = cli_options; o->name; o++)
        if (o->groups == ~0u) option_row(out, o);
}

static void print_backends(FILE *out)
{
    fputs("\nBackends and targets:\n", out);
    for (size_t i = 0; sig_backend_names[i]; i++) {
        const char *const *t = sig_backend_targets(sig_backend_names[i]);
        fprintf(out, "  %-8s %s\n           targets:", sig_backend_names[i],
                sig_backend_summary(sig_backend_names[i]));
        for (size_t j = 0; t && t[j]; j++) fprintf(out, " %s%s", t[j], j == 0 ? " (default)" : "");
        fputc('\n', out);
    }
}

static const char exit_text[] =
    "\nFILE '-' reads standard input. Exit status: 0 ok, 1 errors in the input or\n"
    "from the API, 2 usage errors (also: client not configured, not confirmed),\n"
    "3 plan --exit-code found changes.\n";

void cli_print_usage(FILE *out)
{
    fputs("usage: signalsc <command> [options] FILE...\n\nCommands:\n", out);
    char left[96];
    for (int api = 0; api < 2; api++) {
        if (api) fputs("\nSignals API (compile to API bodies in memory, then talk to the API):\n", out);
        for (const cli_command *k = cli_commands; k->name; k++) {
            if (k->api != (api == 1)) continue;
            snprintf(left, sizeof left, "%s%s%s", k->name, *k->args ? " " : "", k->args);
            help_row(out, left, k->summary);
        }
    }
    fputs("\n'signalsc COMMAND --help' shows a command's options. All options:\n", out);
    print_options(out, ~0u);
    fputs(exit_text, out);
    print_backends(out);
}

void cli_print_command_help(FILE *out, const cli_command *k)
{
    fprintf(out, "usage: signalsc %s [options]%s%s\n\n%s\n", k->name, *k->args ? " " : "", k->args,
            k->summary);
    if (k->details) fprintf(out, "\n%s\n", k->details);
    print_options(out, k->groups);
    fputs(exit_text, out);
    if (k->groups & CLI_G_BUILD) print_backends(out);
}
