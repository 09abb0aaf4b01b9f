#include "cli/format/lexer.h"

#include <fmt/format.h>

#include "cli/format/gofmt.h"
#include "cli/format/utf8.h"

namespace hako::cli::format {

namespace {

constexpr int32_t kEof = -1;
constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";
constexpr std::string_view kSpaceChars = " \t\r\n";

bool is_space(int32_t r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }

bool is_alnum(int32_t r) {
  if (r < 0) return false;
  if (r < 0x80) return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9');
  // Go accepts any Unicode letter or digit; treat printable non-ASCII runes
  // outside Latin-1 punctuation as letters.
  return is_print(char32_t(r)) && (r >= 0xC0 || r == 0xAA || r == 0xB5 || r == 0xBA) && r != 0xD7 &&
         r != 0xF7 && r != int32_t(kRuneError);
}

bool has_left_trim_marker(std::string_view s) { return s.size() >= 2 && s[0] == '-' && is_space(s[1]); }
bool has_right_trim_marker(std::string_view s) { return s.size() >= 2 && is_space(s[0]) && s[1] == '-'; }

std::string unicode_name(int32_t r) {
  std::string s = fmt::format("U+{:04X}", uint32_t(r));
  if (is_print(char32_t(r))) {
    s += " '";
    append_rune(s, char32_t(r));
    s += '\'';
  }
  return s;
}

Tok keyword(std::string_view word) {
  if (word == "block") return Tok::Block;
  if (word == "break") return Tok::Break;
  if (word == "continue") return Tok::Continue;
  if (word == "define") return Tok::Define;
  if (word == "else") return Tok::Else;
  if (word == "end") return Tok::End;
  if (word == "if") return Tok::If;
  if (word == "nil") return Tok::Nil;
  if (word == "range") return Tok::Range;
  if (word == "template") return Tok::Template;
  if (word == "with") return Tok::With;
  return Tok::Error;
}

class Lexer {
 public:
  explicit Lexer(std::string_view in) : in_(in) {}

  std::vector<Token> run() {
    while (!done_) {
      if (!lex_text()) break;
      lex_left_delim();
    }
    return std::move(out_);
  }

 private:
  std::string_view rest(size_t at) const { return at <= in_.size() ? in_.substr(at) : std::string_view(); }
  std::string_view rest() const { return rest(pos_); }

  int32_t next() {
    if (pos_ >= in_.size()) {
      width_ = 0;
      return kEof;
    }
    char32_t r = decode_rune(in_, pos_, &width_);
    pos_ += width_;
    return int32_t(r);
  }
  void backup() { pos_ -= width_; }
  int32_t peek() {
    int32_t r = next();
    backup();
    return r;
  }
  void ignore() { start_ = pos_; }

  int line_at(size_t pos) {
    if (pos < counted_pos_) counted_pos_ = 0, counted_line_ = 1;
    for (; counted_pos_ < pos && counted_pos_ < in_.size(); ++counted_pos_)
      if (in_[counted_pos_] == '\n') ++counted_line_;
    return counted_line_;
  }

  void emit(Tok t) {
    out_.push_back({t, start_, std::string(in_.substr(start_, pos_ - start_)), line_at(start_)});
    start_ = pos_;
  }

  void error(std::string msg) {
    out_.push_back({Tok::Error, start_, std::move(msg), line_at(start_)});
    done_ = true;
  }

  // Text up to the next "{{" (trimmed if it carries a marker). False at EOF.
  bool lex_text() {
    size_t x = in_.find(kLeftDelim, pos_);
    if (x == std::string_view::npos) {
      pos_ = in_.size();
      if (pos_ > start_) emit(Tok::Text);
      emit(Tok::Eof);
      done_ = true;
      return false;
    }
    pos_ = x;
    size_t trim = 0;
    if (has_left_trim_marker(rest(pos_ + kLeftDelim.size()))) {
      std::string_view text = in_.substr(start_, pos_ - start_);
      size_t keep = text.find_last_not_of(kSpaceChars);
      trim = text.size() - (keep == std::string_view::npos ? 0 : keep + 1);
    }
    pos_ -= trim;
    if (pos_ > start_) emit(Tok::Text);
    pos_ += trim;
    ignore();
    return true;
  }

  size_t left_trim_length(std::string_view s) const {
    size_t n = s.find_first_not_of(kSpaceChars);
    return n == std::string_view::npos ? s.size() : n;
  }

  // Whether a right delimiter (maybe after " -") starts here.
  std::pair<bool, bool> at_right_delim() const {
    if (rest().starts_with(kRightDelim)) return {true, false};
    if (has_right_trim_marker(rest()) && rest(pos_ + 2).starts_with(kRightDelim)) return {true, true};
    return {false, false};
  }

  void lex_left_delim() {
    pos_ += kLeftDelim.size();
    size_t after = has_left_trim_marker(rest()) ? 2 : 0;
    if (rest(pos_ + after).starts_with(kLeftComment)) {
      pos_ += after;
      ignore();
      lex_comment();
      return;
    }
    emit(Tok::LeftDelim);
    pos_ += after;
    ignore();
    paren_depth_ = 0;
    lex_inside_action();
  }

  void lex_comment() {
    pos_ += kLeftComment.size();
    size_t i = in_.find(kRightComment, pos_);
    if (i == std::string_view::npos) return error("unclosed comment");
    pos_ = i + kRightComment.size();
    auto [delim, trim] = at_right_delim();
    if (!delim) return error("comment ends before closing delimiter");
    if (trim) pos_ += 2;
    pos_ += kRightDelim.size();
    if (trim) pos_ += left_trim_length(rest());
    ignore();
  }

  void lex_right_delim() {
    auto [delim, trim] = at_right_delim();
    if (trim) {
      pos_ += 2;
      ignore();
    }
    pos_ += kRightDelim.size();
    emit(Tok::RightDelim);
    if (trim) {
      pos_ += left_trim_length(rest());
      ignore();
    }
  }

  void lex_inside_action() {
    while (!done_) {
      if (at_right_delim().first) {
        if (paren_depth_ == 0) return lex_right_delim();
        return error("unclosed left paren");
      }
      int32_t r = next();
      if (r == kEof) return error("unclosed action");
      if (is_space(r)) {
        backup();
        lex_space();
      } else if (r == '=') {
        emit(Tok::Assign);
      } else if (r == ':') {
        if (next() != '=') return error("expected :=");
        emit(Tok::Declare);
      } else if (r == '|') {
        emit(Tok::Pipe);
      } else if (r == '"') {
        lex_quote();
      } else if (r == '`') {
        lex_raw_quote();
      } else if (r == '$') {
        lex_variable();
      } else if (r == '\'') {
        lex_char();
      } else if (r == '.' && pos_ < in_.size() && (in_[pos_] < '0' || in_[pos_] > '9')) {
        lex_field_or_variable(Tok::Field);
      } else if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9')) {
        backup();
        lex_number();
      } else if (is_alnum(r)) {
        backup();
        lex_identifier();
      } else if (r == '(') {
        ++paren_depth_;
        emit(Tok::LeftParen);
      } else if (r == ')') {
        if (--paren_depth_ < 0) return error("unexpected right paren");
        emit(Tok::RightParen);
      } else if (r < 0x7F && r >= 0x20) {
        emit(Tok::Char);
      } else {
        return error("unrecognized character in action: " + unicode_name(r));
      }
    }
  }

  void lex_space() {
    int spaces = 0;
    while (is_space(peek())) next(), ++spaces;
    // " -}}" is a trim marker, not a space token.
    if (has_right_trim_marker(rest(pos_ - 1)) && rest(pos_ - 1 + 2).starts_with(kRightDelim)) {
      backup();
      if (spaces == 1) return;
    }
    emit(Tok::Space);
  }

  bool at_terminator() {
    int32_t r = peek();
    if (is_space(r)) return true;
    switch (r) {
      case kEof:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(': return true;
    }
    // Does r start the right delimiter? ("{{.X}" ends the field at '}'.)
    return r == kRightDelim[0];
  }

  void lex_identifier() {
    int32_t r;
    while (is_alnum(r = next())) {
    }
    backup();
    std::string_view word = in_.substr(start_, pos_ - start_);
    if (!at_terminator()) return error("bad character " + unicode_name(r));
    Tok k = keyword(word);
    if (k != Tok::Error) {
      emit(k);
    } else if (word == "true" || word == "false") {
      emit(Tok::Bool);
    } else {
      emit(Tok::Identifier);
    }
  }

  void lex_variable() {
    if (at_terminator()) return emit(Tok::Variable);
    lex_field_or_variable(Tok::Variable);
  }

  void lex_field_or_variable(Tok typ) {
    if (at_terminator()) return emit(typ == Tok::Variable ? Tok::Variable : Tok::Dot);
    int32_t r;
    while (is_alnum(r = next())) {
    }
    backup();
    if (!at_terminator()) return error("bad character " + unicode_name(r));
    emit(typ);
  }

  void lex_char() {
    for (;;) {
      int32_t r = next();
      if (r == '\\') {
        int32_t e = next();
        if (e != kEof && e != '\n') continue;
        return error("unterminated character constant");
      }
      if (r == kEof || r == '\n') return error("unterminated character constant");
      if (r == '\'') break;
    }
    emit(Tok::CharConstant);
  }

  bool accept(std::string_view valid) {
    int32_t r = next();
    if (r >= 0 && r < 0x80 && valid.find(char(r)) != std::string_view::npos) return true;
    backup();
    return false;
  }
  void accept_run(std::string_view valid) {
    while (accept(valid)) {
    }
  }

  bool scan_number() {
    accept("+-");
    std::string_view digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (accept("oO")) {
        digits = "01234567_";
      } else if (accept("bB")) {
        digits = "01_";
      }
    }
    accept_run(digits);
    if (accept(".")) accept_run(digits);
    if (digits.size() == 11 && accept("eE")) {
      accept("+-");
      accept_run("0123456789_");
    }
    if (digits.size() == 23 && accept("pP")) {
      accept("+-");
      accept_run("0123456789_");
    }
    accept("i");
    if (is_alnum(peek())) {
      next();
      return false;
    }
    return true;
  }

  void lex_number() {
    auto bad = [&] { error(fmt::format("bad number syntax: {}", go_quote(in_.substr(start_, pos_ - start_)))); };
    if (!scan_number()) return bad();
    int32_t sign = peek();
    if (sign == '+' || sign == '-') {
      if (!scan_number() || in_[pos_ - 1] != 'i') return bad();
      return emit(Tok::Complex);
    }
    emit(Tok::Number);
  }

  void lex_quote() {
    for (;;) {
      int32_t r = next();
      if (r == '\\') {
        int32_t e = next();
        if (e != kEof && e != '\n') continue;
        return error("unterminated quoted string");
      }
      if (r == kEof || r == '\n') return error("unterminated quoted string");
      if (r == '"') break;
    }
    emit(Tok::String);
  }

  void lex_raw_quote() {
    for (;;) {
      int32_t r = next();
      if (r == kEof) return error("unterminated raw quoted string");
      if (r == '`') break;
    }
    emit(Tok::RawString);
  }

  std::string_view in_;
  size_t pos_ = 0;
  size_t start_ = 0;
  size_t width_ = 0;
  int paren_depth_ = 0;
  bool done_ = false;
  size_t counted_pos_ = 0;
  int counted_line_ = 1;
  std::vector<Token> out_;
};

}  // namespace

std::vector<Token> lex(std::string_view input) { return Lexer(input).run(); }

std::string describe(const Token& t) {
  if (t.type == Tok::Eof) return "EOF";
  if (t.type == Tok::Error) return t.val;
  if (t.type > Tok::Keyword) return "<" + t.val + ">";
  if (rune_count(t.val) > 10) {
    size_t i = 0, len = 0;
    for (int n = 0; n < 10; ++n, i += len) decode_rune(t.val, i, &len);
    return go_quote(std::string_view(t.val).substr(0, i)) + "...";
  }
  return go_quote(t.val);
}

}  // namespace hako::cli::format
