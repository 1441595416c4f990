; Highlight queries of the .signals language (nvim-treesitter capture names).

(comment) @comment @spell

[
  "import"
  "event"
  "context"
  "entity"
  "attribute"
  "view"
  "service"
  "batch_source"
  "intervention"
] @keyword

[
  "from"
  "where"
  "over"
  "last"
] @keyword

[
  "and"
  "or"
  "not"
  "like"
  "in"
  "is"
] @keyword.operator

"null" @constant.builtin

[
  "online"
  "offline"
  "owner"
  "description"
  "ttl"
  "tags"
  "attributes"
  "source"
  "field"
  "views"
  "database"
  "schema"
  "table"
  "timestamp_field"
  "created_timestamp_column"
  "date_partition_column"
  "property"
  "key"
  "external_column"
  "backfill_since_tstamp"
  "refresh_rate"
  "when"
  "target"
  "payload"
  "default"
] @property

[
  "="
  "!="
  "<"
  ">"
  "<="
  ">="
] @operator

["(" ")" "[" "]" "{" "}"] @punctuation.bracket
["," "." ":"] @punctuation.delimiter

(string) @string
(escape_sequence) @string.escape
(iglu_uri) @string.special.url
(integer) @number
(decimal) @number.float
(index) @number
(boolean) @boolean

"specification" @keyword
(separator_keyword) @keyword
["rlike" "changed"] @keyword.operator

(version) @constant
(type (identifier) @type.builtin)
(duration unit: (identifier) @constant)
(aggregation function: (identifier) @function.call)
(call function: (identifier) @function.call)

(event_declaration name: (identifier) @type.definition)
(context_declaration name: (identifier) @type.definition)
(entity_declaration name: (identifier) @type.definition)
(attribute_declaration name: (identifier) @variable)
(attribute_setting name: (identifier) @variable)
(view_declaration name: (identifier) @module)
(batch_source_declaration name: (identifier) @module)
(intervention_declaration name: (identifier) @module)
(service_declaration name: (identifier) @module)
(field_setting name: (identifier) @variable.member)

(tag key: (_) @property)
(property (identifier) @variable.member)
