/**
 * tree-sitter grammar of the .signals language.
 *
 * It follows the compiler's bison grammar (grammar/signals.y) and flex
 * scanner (grammar/signals.l); docs/language.md is the reference. It is an
 * editor grammar: it accepts what the compiler accepts and leaves the
 * checks (versions, types, names) to `signalsc check` and `signalsc lsp`.
 *
 * Keywords are extracted from `identifier` (tree-sitter's `word`) and
 * reserved, except after `.` or `:` in a property and as a tag key, where
 * the compiler reads any word as a name. Reserved words need tree-sitter
 * 0.25 or later.
 */

// The reserved words (src/keywords.def).
const KEYWORDS = [
  'import', 'event', 'context', 'entity', 'attribute', 'view',
  'service', 'batch_source', 'intervention', 'from', 'where', 'over',
  'last', 'and', 'or', 'like', 'in', 'is',
  'not', 'null', 'true', 'false', 'online', 'offline',
  'owner', 'description', 'ttl', 'tags', 'attributes', 'source',
  'field', 'views', 'database', 'schema', 'table', 'timestamp_field',
  'created_timestamp_column', 'date_partition_column', 'property', 'key', 'external_column', 'backfill_since_tstamp',
  'refresh_rate', 'when', 'target', 'payload', 'default',
];

const commaList = (rule) => seq(rule, repeat(seq(',', rule)), optional(','));

const PREC = {or: 1, and: 2, not: 3};

module.exports = grammar({
  name: 'signals',

  word: $ => $.identifier,

  // Keywords are reserved: never a name, except after `.` or `:` in a
  // property and as a tag key, where the `names` set (empty) applies.
  reserved: {
    global: $ => KEYWORDS,
    names: $ => [],
  },

  extras: $ => [/\s/, $.comment],

  rules: {
    source_file: $ => repeat($._declaration),

    _declaration: $ => choice(
      $.import_declaration,
      $.event_declaration,
      $.context_declaration,
      $.entity_declaration,
      $.attribute_declaration,
      $.view_declaration,
      $.batch_source_declaration,
      $.intervention_declaration,
      $.service_declaration,
    ),

    import_declaration: $ => seq('import', field('path', $.string)),

    // `event NAME = iglu:...` or `event NAME = specification "ID"`.
    event_declaration: $ => seq(
      'event', field('name', $.identifier), '=',
      field('value', choice($.iglu_uri, $.event_specification)),
    ),
    // `specification` is not reserved: a name elsewhere.
    event_specification: $ => seq('specification', field('id', $.string)),

    context_declaration: $ => seq(
      'context', field('name', $.identifier), '=', field('uri', $.iglu_uri),
    ),

    entity_declaration: $ => seq(
      'entity', field('name', $.identifier), optional(field('body', $.block)),
    ),

    attribute_declaration: $ => seq('attribute', $._attribute_body),

    _attribute_body: $ => seq(
      field('name', $.identifier),
      optional(seq(':', field('type', $.type))),
      '=',
      field('aggregation', $.aggregation),
      repeat(choice($.from_clause, $.where_clause, $.over_clause)),
      optional(field('body', $.block)),
    ),

    type: $ => $.identifier,

    // `last` is a keyword (`over last`) and an aggregation.
    aggregation: $ => seq(
      field('function', choice($.identifier, alias('last', $.identifier))),
      '(', optional(field('argument', $.property)), ')',
    ),

    from_clause: $ => seq('from', commaList(field('event', $.identifier))),
    where_clause: $ => seq('where', field('condition', $._expression)),
    over_clause: $ => seq('over', 'last', field('window', $.duration)),

    view_declaration: $ => seq(
      'view', field('name', $.identifier), optional(field('version', $.version)),
      field('body', $.block),
    ),

    batch_source_declaration: $ => seq(
      'batch_source', field('name', $.identifier), field('body', $.block),
    ),

    intervention_declaration: $ => seq(
      'intervention', field('name', $.identifier), optional(field('version', $.version)),
      field('body', $.block),
    ),

    service_declaration: $ => seq(
      'service', field('name', $.identifier), field('body', $.block),
    ),

    // `vN`; the compiler checks the form (E0204).
    version: $ => $.identifier,

    // ------------------------------------------------------------ criteria

    _expression: $ => choice(
      $.binary_expression,
      $.not_expression,
      $.parenthesized_expression,
      $.comparison,
    ),

    binary_expression: $ => choice(
      prec.left(PREC.or, seq(field('left', $._expression), field('operator', 'or'), field('right', $._expression))),
      prec.left(PREC.and, seq(field('left', $._expression), field('operator', 'and'), field('right', $._expression))),
    ),

    not_expression: $ => prec(PREC.not, seq('not', field('operand', $._expression))),

    parenthesized_expression: $ => seq('(', $._expression, ')'),

    comparison: $ => seq(
      field('property', $.property),
      choice(
        seq(field('operator', $.operator), field('value', $._literal)),
        field('operator', $.null_test),
        seq(field('operator', $.word_operator), optional(field('value', $._literal))),
      ),
    ),

    null_test: $ => seq('is', optional('not'), 'null'),

    // `rlike`, `not rlike`, `changed`: operators that are names elsewhere.
    word_operator: $ => choice(seq(optional('not'), 'rlike'), 'changed'),

    operator: $ => choice('=', '!=', '<', '>', '<=', '>=', 'like', 'in', seq('not', 'like'), seq('not', 'in')),

    // ---------------------------------------------------------- properties

    property: $ => choice($._path, $.call),

    _path: $ => seq(
      choice($.identifier, alias('event', $.identifier)),
      repeat(choice(
        seq('.', reserved('names', $.identifier)),
        seq(':', reserved('names', $.identifier)),
        seq('[', $.index, ']'),
      )),
    ),

    index: $ => /[0-9]+/,

    // A date part or a calculated property: `concat(a, b, separator "-")`.
    call: $ => seq(
      field('function', $.identifier), '(',
      $.property, repeat(seq(',', $.property)),
      optional(seq(',', $.separator)),
      ')',
    ),

    separator: $ => seq(alias($.identifier, $.separator_keyword), $.string),

    // ------------------------------------------------------------- values

    _literal: $ => choice($.string, $.integer, $.decimal, $.boolean, $.list),

    list: $ => choice(
      seq('(', optional(commaList($._literal)), ')'),
      seq('[', optional(commaList($._literal)), ']'),
    ),

    boolean: $ => choice('true', 'false'),

    duration: $ => repeat1(seq($.integer, field('unit', $.identifier))),

    // ------------------------------------------------------------- blocks

    block: $ => seq('{', repeat($._setting), '}'),

    _setting: $ => choice(
      $.entity_setting,
      $.boolean_setting,
      $.string_setting,
      $.duration_setting,
      $.tags_setting,
      $.names_setting,
      $.attribute_setting,
      $.name_setting,
      $.field_setting,
      $.views_setting,
      $.name_or_string_setting,
      $.when_setting,
      $.property_setting,
      $.default_setting,
    ),

    entity_setting: $ => seq('entity', field('value', $.identifier)),
    boolean_setting: $ => seq(choice('online', 'offline'), field('value', $.boolean)),
    string_setting: $ => seq(choice('owner', 'description', 'backfill_since_tstamp'), field('value', $.string)),
    duration_setting: $ => seq(choice('ttl', 'refresh_rate'), field('value', $.duration)),
    tags_setting: $ => seq('tags', '{', optional(commaList($.tag)), '}'),
    tag: $ => seq(field('key', choice(reserved('names', $.identifier), $.string)), '=', field('value', $.string)),
    names_setting: $ => seq(choice('attributes', 'target'), commaList(field('value', $.identifier))),
    attribute_setting: $ => seq('attribute', $._attribute_body),
    name_setting: $ => seq(choice('source', 'key', 'external_column'), field('value', $.identifier)),
    field_setting: $ => seq(
      'field', field('name', $.identifier), ':', field('type', $.type),
      optional(field('body', $.block)),
    ),
    views_setting: $ => seq(choice('views', 'payload'), commaList($.view_reference)),
    view_reference: $ => seq(field('name', $.identifier), optional(field('version', $.version))),
    name_or_string_setting: $ => seq(
      choice('database', 'schema', 'table', 'timestamp_field',
        'created_timestamp_column', 'date_partition_column'),
      field('value', choice($.identifier, $.string)),
    ),
    when_setting: $ => seq('when', field('condition', $._expression)),
    property_setting: $ => seq('property', field('value', $.property)),
    default_setting: $ => seq('default', field('value', $._literal)),

    // ------------------------------------------------------------- tokens

    // a keyword in backquotes is a name (`target`), as in the compiler
    identifier: $ => /[A-Za-z_][A-Za-z0-9_]*|`[A-Za-z_][A-Za-z0-9_]*`/,

    iglu_uri: $ => /iglu:[A-Za-z0-9_.\-\/*]*/,

    string: $ => seq(
      '"',
      repeat(choice(token.immediate(prec(1, /[^"\\\n]+/)), $.escape_sequence)),
      token.immediate('"'),
    ),

    escape_sequence: $ => token.immediate(seq('\\', choice(/["\\\/ntr]/, /u[0-9A-Fa-f]{4}/))),

    integer: $ => /-?[0-9]+/,
    decimal: $ => /-?[0-9]+\.[0-9]+/,

    comment: $ => token(seq('#', /[^\n]*/)),
  },
});
