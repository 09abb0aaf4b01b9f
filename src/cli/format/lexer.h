// Tokens of a Go text/template, scanned the way text/template/parse's lexer
// does (trim markers "{{- " and " -}}", comments, newlines inside actions).
// Internal to the format library.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hako::cli::format {

enum class Tok {
  Error,         // val is the message; always the last token
  Bool,          // true, false
  Char,          // a printable ASCII character such as ','
  CharConstant,  // 'a'
  Complex,       // 1+2i: scanned so the error is Go's, not supported
  Assign,        // =
  Declare,       // :=
  Eof,
  Field,       // .Name
  Identifier,  // function name
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,  // `...`, quotes included
  RightDelim,
  RightParen,
  Space,
  String,  // "...", quotes included
  Text,
  Variable,  // $, $x
  Keyword,   // marker: the kinds after it are keywords
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
};

struct Token {
  Tok type;
  size_t pos;  // byte offset in the template text
  std::string val;
  int line;
};

// Scans the whole text; the result ends with an Eof or an Error token.
std::vector<Token> lex(std::string_view input);

// How Go's item.String() shows a token in "unexpected %s" messages.
std::string describe(const Token& t);

}  // namespace hako::cli::format
