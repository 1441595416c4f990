/* ast.c: tables of the syntax tree (src/ast.h). The parser itself is
 * grammar/signals.y (+ grammar/signals.l). */
#include "ast.h"

const char *const sig_setting_keywords[SIG_SET__COUNT] = {
    [SIG_SET_ENTITY] = "entity",
    [SIG_SET_ONLINE] = "online",
    [SIG_SET_OFFLINE] = "offline",
    [SIG_SET_OWNER] = "owner",
    [SIG_SET_DESCRIPTION] = "description",
    [SIG_SET_TTL] = "ttl",
    [SIG_SET_TAGS] = "tags",
    [SIG_SET_ATTRIBUTES] = "attributes",
    [SIG_SET_ATTRIBUTE] = "attribute",
    [SIG_SET_SOURCE] = "source",
    [SIG_SET_FIELD] = "field",
    [SIG_SET_VIEWS] = "views",
    [SIG_SET_DATABASE] = "database",
    [SIG_SET_SCHEMA] = "schema",
    [SIG_SET_TABLE] = "table",
    [SIG_SET_TIMESTAMP_FIELD] = "timestamp_field",
    [SIG_SET_CREATED_TIMESTAMP_COLUMN] = "created_timestamp_column",
    [SIG_SET_DATE_PARTITION_COLUMN] = "date_partition_column",
    [SIG_SET_PROPERTY] = "property",
    [SIG_SET_KEY] = "key",
    [SIG_SET_DEFAULT] = "default",
};
