#include "lint/shell/shell_parser.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace hako::lint::shell {

namespace {

constexpr int kMaxDepth = 100;

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_meta(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '&' || c == '|' ||
         c == '(' || c == ')' || c == '<' || c == '>';
}

// Line starts of the outermost text, shared by nested parsers.
struct LineTable {
  std::vector<size_t> starts{0};
  explicit LineTable(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i)
      if (s[i] == '\n') starts.push_back(i + 1);
  }
  Position at(size_t offset) const {
    auto it = std::upper_bound(starts.begin(), starts.end(), offset);
    size_t line = static_cast<size_t>(it - starts.begin());  // >= 1
    return Position{offset, static_cast<int>(line), static_cast<int>(offset - starts[line - 1] + 1)};
  }
};

struct PendingHeredoc {
  std::string delimiter;
  bool strip_tabs;
  std::shared_ptr<std::string> body;
};

class Parser {
 public:
  Parser(std::string_view src, size_t base, const LineTable& lines, int depth)
      : s_(src), base_(base), lines_(lines), depth_(depth) {}

  std::expected<List, ShellError> program() {
    auto list = parse_list();
    if (!list) return list;
    skip_linebreaks();
    if (!eof()) return err(i_, fmt::format("unexpected {}", describe_here()));
    if (!pending_.empty()) read_heredocs();  // a heredoc ending the text without a newline
    return list;
  }

 private:
  using Err = std::unexpected<ShellError>;

  std::string_view s_;
  size_t base_;
  const LineTable& lines_;
  int depth_;
  size_t i_ = 0;
  std::vector<PendingHeredoc> pending_;

  bool eof() const { return i_ >= s_.size(); }
  char peek(size_t k = 0) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }
  bool at(std::string_view t) const { return s_.substr(i_).starts_with(t); }
  Position pos(size_t local) const { return lines_.at(base_ + local); }
  Err err(size_t local, std::string msg) const { return Err(ShellError{std::move(msg), pos(local)}); }

  std::string describe_here() const {
    if (eof()) return "end of text";
    if (peek() == '\n') return "newline";
    size_t j = i_;
    while (j < s_.size() && !is_meta(s_[j]) && j - i_ < 20) ++j;
    if (j == i_) {
      j = i_ + 1;
      if (i_ + 1 < s_.size() && (s_[i_ + 1] == s_[i_])) j = i_ + 2;
    }
    return fmt::format("'{}'", s_.substr(i_, j - i_));
  }

  // Spaces, tabs, continuations and comments; not newlines.
  void skip_blanks() {
    while (!eof()) {
      char c = peek();
      if (is_blank(c)) {
        ++i_;
      } else if (c == '\\' && peek(1) == '\n') {
        i_ += 2;
      } else if (c == '#') {
        while (!eof() && peek() != '\n') ++i_;
      } else {
        break;
      }
    }
  }

  // Consumes a newline and then the bodies of the heredocs started on its line.
  void newline() {
    ++i_;
    if (!pending_.empty()) read_heredocs();
  }

  void read_heredocs() {
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& h : pending) {
      std::string body;
      while (!eof()) {
        size_t end = s_.find('\n', i_);
        if (end == std::string_view::npos) end = s_.size();
        std::string_view line = s_.substr(i_, end - i_);
        i_ = end < s_.size() ? end + 1 : end;
        if (h.strip_tabs)
          while (!line.empty() && line.front() == '\t') line.remove_prefix(1);
        std::string_view cmp = line;
        if (!cmp.empty() && cmp.back() == '\r') cmp.remove_suffix(1);
        if (cmp == h.delimiter) break;
        body.append(line);
        body.push_back('\n');
      }
      *h.body = std::move(body);
    }
  }

  void skip_linebreaks() {
    for (;;) {
      skip_blanks();
      if (peek() == '\n') {
        newline();
      } else {
        break;
      }
    }
  }

  // A reserved word at the cursor (followed by a delimiter)?
  bool at_word(std::string_view w) const {
    if (!at(w)) return false;
    size_t j = i_ + w.size();
    return j >= s_.size() || is_meta(s_[j]);
  }
  bool at_terminator() const {
    if (eof() || peek() == ')' || at(";;") || at(";&")) return true;
    for (auto w : {"then", "elif", "else", "fi", "do", "done", "esac", "}"})
      if (at_word(w)) return true;
    return false;
  }

  std::expected<List, ShellError> parse_list() {
    if (depth_ > kMaxDepth) return err(i_, "nesting too deep");
    ++depth_;
    List list;
    for (;;) {
      skip_linebreaks();
      if (at_terminator()) break;
      auto ao = parse_and_or();
      if (!ao) return Err(ao.error());
      skip_blanks();
      if (peek() == ';' && peek(1) != ';' && peek(1) != '&') {
        ++i_;
      } else if (peek() == '&' && peek(1) != '&' && peek(1) != '>') {
        ++i_;
        ao->background = true;
      } else if (peek() == '\n') {
        newline();
      } else if (!at_terminator()) {
        return err(i_, fmt::format("unexpected {}", describe_here()));
      }
      list.items.push_back(std::move(*ao));
    }
    --depth_;
    return list;
  }

  std::expected<AndOr, ShellError> parse_and_or() {
    AndOr ao;
    ao.pos = pos(i_);
    for (;;) {
      auto p = parse_pipeline();
      if (!p) return Err(p.error());
      ao.pipelines.push_back(std::move(*p));
      skip_blanks();
      if (at("&&") || at("||")) {
        ao.ops.emplace_back(s_.substr(i_, 2));
        i_ += 2;
        skip_linebreaks();
        continue;
      }
      break;
    }
    return ao;
  }

  std::expected<Pipeline, ShellError> parse_pipeline() {
    Pipeline p;
    skip_blanks();
    p.pos = pos(i_);
    if (peek() == '!' && (is_meta(peek(1)) || peek(1) == '\0')) {
      p.negated = true;
      ++i_;
    }
    for (;;) {
      auto c = parse_command();
      if (!c) return Err(c.error());
      p.commands.push_back(std::move(*c));
      skip_blanks();
      if (peek() == '|' && peek(1) != '|') {
        i_ += peek(1) == '&' ? 2 : 1;  // |& as |
        skip_linebreaks();
        continue;
      }
      break;
    }
    return p;
  }

  std::expected<void, ShellError> expect_word(std::string_view w, std::string_view what,
                                              size_t opened) {
    skip_linebreaks();
    if (!at_word(w)) {
      Position o = pos(opened);
      return err(i_, fmt::format("expected '{}' to close {} at line {}, column {}, found {}", w,
                                 what, o.line, o.column, describe_here()));
    }
    i_ += w.size();
    return {};
  }

  std::expected<void, ShellError> trailing_redirects(Command& c) {
    for (;;) {
      skip_blanks();
      if (!at_redirect()) return {};
      auto r = parse_redirect();
      if (!r) return Err(r.error());
      c.redirects.push_back(std::move(*r));
    }
  }

  std::expected<Command, ShellError> parse_command() {
    skip_blanks();
    if (depth_ > kMaxDepth) return err(i_, "nesting too deep");
    Command c;
    size_t start = i_;
    c.pos = pos(i_);
    auto body = [&]() -> std::expected<void, ShellError> {
      ++depth_;
      auto l = parse_list();
      --depth_;
      if (!l) return Err(l.error());
      c.bodies.push_back(std::move(*l));
      return {};
    };
    if (peek() == '(') {
      if (peek(1) == '(') {  // (( arithmetic )): opaque
        auto w = arith_command();
        if (!w) return Err(w.error());
        c.words.push_back(std::move(*w));
        return c;
      }
      ++i_;
      c.kind = Command::Kind::Subshell;
      if (auto r = body(); !r) return Err(r.error());
      skip_linebreaks();
      if (peek() != ')') return err(start, "unbalanced '(': missing ')'");
      ++i_;
    } else if (at_word("{")) {
      ++i_;
      c.kind = Command::Kind::BraceGroup;
      if (auto r = body(); !r) return Err(r.error());
      if (auto r = expect_word("}", "'{'", start); !r) return Err(r.error());
    } else if (at_word("if")) {
      i_ += 2;
      c.kind = Command::Kind::If;
      if (auto r = body(); !r) return Err(r.error());
      if (auto r = expect_word("then", "'if'", start); !r) return Err(r.error());
      if (auto r = body(); !r) return Err(r.error());
      for (;;) {
        skip_linebreaks();
        if (at_word("elif")) {
          i_ += 4;
          if (auto r = body(); !r) return Err(r.error());
          if (auto r = expect_word("then", "'elif'", start); !r) return Err(r.error());
          if (auto r = body(); !r) return Err(r.error());
        } else if (at_word("else")) {
          i_ += 4;
          c.has_else = true;
          if (auto r = body(); !r) return Err(r.error());
          break;
        } else {
          break;
        }
      }
      if (auto r = expect_word("fi", "'if'", start); !r) return Err(r.error());
    } else if (at_word("for")) {
      i_ += 3;
      c.kind = Command::Kind::For;
      skip_blanks();
      auto name = read_word();
      if (!name) return Err(name.error());
      if (name->raw.empty()) return err(i_, "expected a variable name after 'for'");
      c.name = std::move(*name);
      skip_linebreaks();
      if (at_word("in")) {
        i_ += 2;
        c.for_has_in = true;
        for (;;) {
          skip_blanks();
          if (eof() || peek() == ';' || peek() == '\n') break;
          auto w = read_word();
          if (!w) return Err(w.error());
          if (w->raw.empty()) return err(i_, fmt::format("unexpected {} in 'for'", describe_here()));
          c.for_words.push_back(std::move(*w));
        }
      }
      if (peek() == ';') ++i_;
      if (auto r = expect_word("do", "'for'", start); !r) return Err(r.error());
      if (auto r = body(); !r) return Err(r.error());
      if (auto r = expect_word("done", "'for'", start); !r) return Err(r.error());
    } else if (at_word("while") || at_word("until")) {
      bool until = at_word("until");
      i_ += 5;
      c.kind = until ? Command::Kind::Until : Command::Kind::While;
      std::string_view what = until ? "'until'" : "'while'";
      if (auto r = body(); !r) return Err(r.error());
      if (auto r = expect_word("do", what, start); !r) return Err(r.error());
      if (auto r = body(); !r) return Err(r.error());
      if (auto r = expect_word("done", what, start); !r) return Err(r.error());
    } else if (at_word("case")) {
      i_ += 4;
      c.kind = Command::Kind::Case;
      skip_blanks();
      auto subject = read_word();
      if (!subject) return Err(subject.error());
      if (subject->raw.empty()) return err(i_, "expected a word after 'case'");
      c.name = std::move(*subject);
      if (auto r = expect_word("in", "'case'", start); !r) return Err(r.error());
      for (;;) {
        skip_linebreaks();
        if (eof() || at_word("esac")) break;
        if (peek() == '(') ++i_;
        std::vector<Word> patterns;
        for (;;) {
          skip_blanks();
          auto w = read_word();
          if (!w) return Err(w.error());
          if (w->raw.empty()) return err(i_, fmt::format("unexpected {} in case pattern", describe_here()));
          patterns.push_back(std::move(*w));
          skip_blanks();
          if (peek() == '|') {
            ++i_;
            continue;
          }
          break;
        }
        if (peek() != ')') return err(i_, fmt::format("expected ')' after case pattern, found {}", describe_here()));
        ++i_;
        c.case_patterns.push_back(std::move(patterns));
        if (auto r = body(); !r) return Err(r.error());
        skip_linebreaks();
        if (at(";;&")) {
          i_ += 3;
        } else if (at(";;") || at(";&")) {
          i_ += 2;
        } else {
          break;
        }
      }
      if (auto r = expect_word("esac", "'case'", start); !r) return Err(r.error());
    } else {
      if (auto r = simple(c); !r) return Err(r.error());
      return c;
    }
    if (auto r = trailing_redirects(c); !r) return Err(r.error());
    return c;
  }

  std::expected<Word, ShellError> arith_command() {
    Word w;
    size_t start = i_;
    w.pos = pos(i_);
    int depth = 0;
    while (!eof()) {
      char ch = peek();
      ++i_;
      if (ch == '(') ++depth;
      if (ch == ')' && --depth == 0) break;
    }
    if (depth != 0) return err(start, "unbalanced '((': missing '))'");
    w.raw = std::string(s_.substr(start, i_ - start));
    w.value = w.raw;
    w.has_expansion = true;
    return w;
  }

  bool at_redirect() const {
    size_t j = i_;
    while (j < s_.size() && is_digit(s_[j])) ++j;
    if (j < s_.size() && (s_[j] == '<' || s_[j] == '>')) return true;
    return j == i_ && (at("&>"));
  }

  std::expected<Redirect, ShellError> parse_redirect() {
    Redirect r;
    r.pos = pos(i_);
    size_t start = i_;
    while (is_digit(peek())) ++i_;
    r.fd = std::string(s_.substr(start, i_ - start));
    for (std::string_view op : {"<<<", "<<-", "&>>", "<<", ">>", ">&", "<&", "<>", ">|", "&>", "<", ">"}) {
      if (at(op)) {
        r.op = std::string(op);
        i_ += op.size();
        break;
      }
    }
    skip_blanks();
    auto w = read_word();
    if (!w) return Err(w.error());
    if (w->raw.empty()) return err(i_, fmt::format("expected a word after '{}', found {}", r.op, describe_here()));
    r.target = std::move(*w);
    if (r.op == "<<" || r.op == "<<-") {
      r.heredoc = std::make_shared<std::string>();
      pending_.push_back(PendingHeredoc{r.target.value, r.op == "<<-", r.heredoc});
    }
    return r;
  }

  std::expected<void, ShellError> simple(Command& c) {
    for (;;) {
      skip_blanks();
      if (eof()) break;
      if (at_redirect()) {
        auto r = parse_redirect();
        if (!r) return Err(r.error());
        c.redirects.push_back(std::move(*r));
        continue;
      }
      if (is_meta(peek())) {
        // name() { ...; }: a function definition.
        if (peek() == '(' && c.words.size() == 1 && c.assignments.empty() && c.redirects.empty()) {
          size_t save = i_;
          ++i_;
          skip_blanks();
          if (peek() == ')') {
            ++i_;
            skip_linebreaks();
            c.kind = Command::Kind::Function;
            c.name = std::move(c.words[0]);
            c.words.clear();
            auto b = parse_command();
            if (!b) return Err(b.error());
            List l;
            AndOr ao;
            ao.pos = b->pos;
            Pipeline p;
            p.pos = b->pos;
            p.commands.push_back(std::move(*b));
            ao.pipelines.push_back(std::move(p));
            l.items.push_back(std::move(ao));
            c.bodies.push_back(std::move(l));
            return {};
          }
          i_ = save;
        }
        break;
      }
      auto w = read_word();
      if (!w) return Err(w.error());
      if (w->raw.empty()) return err(i_, fmt::format("unexpected {}", describe_here()));
      if (c.words.empty() && !w->assignment_name().empty()) {
        c.assignments.push_back(std::move(*w));
      } else {
        bool dbl = c.words.empty() && w->raw == "[[";
        c.words.push_back(std::move(*w));
        if (dbl) {
          if (auto r = double_bracket(c); !r) return r;
        }
      }
    }
    if (c.words.empty() && c.assignments.empty() && c.redirects.empty())
      return err(i_, fmt::format("expected a command, found {}", describe_here()));
    return {};
  }

  // [[ ... ]]: operators inside are words.
  std::expected<void, ShellError> double_bracket(Command& c) {
    size_t start = i_;
    for (;;) {
      skip_blanks();
      if (eof()) return err(start, "unterminated '[[': missing ']]'");
      if (peek() == '\n') {
        ++i_;
        continue;
      }
      if (is_meta(peek())) {
        Word w;
        w.pos = pos(i_);
        size_t b = i_;
        char ch = peek();
        ++i_;
        if ((ch == '&' || ch == '|' || ch == '<' || ch == '>') && peek() == ch) ++i_;
        w.raw = w.value = std::string(s_.substr(b, i_ - b));
        c.words.push_back(std::move(w));
        continue;
      }
      auto w = read_word();
      if (!w) return Err(w.error());
      if (w->raw.empty()) return err(i_, "unexpected character in '[['");
      bool end = w->raw == "]]";
      c.words.push_back(std::move(*w));
      if (end) return {};
    }
  }

  // Reads a word at the cursor; an empty raw when the cursor is at a
  // metacharacter or the end.
  std::expected<Word, ShellError> read_word() {
    Word w;
    size_t start = i_;
    w.pos = pos(i_);
    while (!eof()) {
      char c = peek();
      if (c == '\\') {
        if (peek(1) == '\n') {
          i_ += 2;
        } else if (i_ + 1 >= s_.size()) {
          ++i_;
          w.value.push_back('\\');
        } else {
          w.value.push_back(peek(1));
          w.quoted = true;
          i_ += 2;
        }
      } else if (c == '\'') {
        size_t end = s_.find('\'', i_ + 1);
        if (end == std::string_view::npos) return err(i_, "unterminated single quote");
        w.value.append(s_.substr(i_ + 1, end - i_ - 1));
        w.quoted = true;
        i_ = end + 1;
      } else if (c == '"') {
        if (auto r = double_quoted(w); !r) return Err(r.error());
      } else if (c == '$') {
        if (auto r = dollar(w, false); !r) return Err(r.error());
      } else if (c == '`') {
        if (auto r = backtick(w); !r) return Err(r.error());
      } else if (is_meta(c)) {
        break;
      } else {
        if (c == '*' || c == '?' || c == '[') w.has_glob = w.has_expansion = true;
        w.value.push_back(c);
        ++i_;
      }
    }
    w.raw = std::string(s_.substr(start, i_ - start));
    return w;
  }

  std::expected<void, ShellError> double_quoted(Word& w) {
    size_t start = i_;
    ++i_;
    w.quoted = true;
    for (;;) {
      if (eof()) return err(start, "unterminated double quote");
      char c = peek();
      if (c == '"') {
        ++i_;
        return {};
      }
      if (c == '\\') {
        char n = peek(1);
        if (n == '\n') {
          i_ += 2;
        } else if (n == '$' || n == '`' || n == '"' || n == '\\') {
          w.value.push_back(n);
          i_ += 2;
        } else {
          w.value.push_back('\\');
          ++i_;
        }
      } else if (c == '$') {
        if (auto r = dollar(w, true); !r) return r;
      } else if (c == '`') {
        if (auto r = backtick(w); !r) return r;
      } else {
        w.value.push_back(c);
        ++i_;
      }
    }
  }

  // Skips a balanced ${...} or $((...)) from the cursor (at the opener),
  // minding quotes.
  std::expected<void, ShellError> skip_balanced(char open, char close, std::string_view what,
                                                size_t start) {
    int depth = 0;
    while (!eof()) {
      char c = peek();
      if (c == '\\') {
        i_ += 2;
        continue;
      }
      if (c == '\'' && open == '{') {
        size_t end = s_.find('\'', i_ + 1);
        if (end == std::string_view::npos) return err(i_, "unterminated single quote");
        i_ = end + 1;
        continue;
      }
      if (c == '"') {
        Word scratch;
        if (auto r = double_quoted(scratch); !r) return r;
        continue;
      }
      ++i_;
      if (c == open) ++depth;
      if (c == close && --depth == 0) return {};
    }
    return err(start, fmt::format("unterminated {}", what));
  }

  std::expected<void, ShellError> dollar(Word& w, bool in_dquote) {
    size_t start = i_;
    char n = peek(1);
    if (n == '(' && peek(2) == '(') {
      ++i_;
      if (auto r = skip_balanced('(', ')', "'$(('", start); !r) return r;
      w.has_expansion = true;
    } else if (n == '(') {
      i_ += 2;
      ++depth_;
      auto l = parse_list();
      --depth_;
      if (!l) return Err(l.error());
      skip_linebreaks();
      if (peek() != ')') return err(start, "unterminated '$(': missing ')'");
      ++i_;
      w.substitutions.push_back(std::move(*l));
      w.has_expansion = true;
    } else if (n == '{') {
      ++i_;
      if (auto r = skip_balanced('{', '}', "'${'", start); !r) return r;
      w.has_expansion = true;
    } else if (n == '\'' && !in_dquote) {  // $'...' (bash)
      size_t j = i_ + 2;
      std::string v;
      for (; j < s_.size() && s_[j] != '\''; ++j) {
        if (s_[j] == '\\' && j + 1 < s_.size()) {
          char e = s_[++j];
          v.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
        } else {
          v.push_back(s_[j]);
        }
      }
      if (j >= s_.size()) return err(start, "unterminated $'");
      w.value.append(v);
      w.quoted = true;
      i_ = j + 1;
      return {};
    } else if (is_name_start(n)) {
      i_ += 1;
      while (is_name_char(peek())) ++i_;
      w.has_expansion = true;
    } else if (is_digit(n) || n == '@' || n == '*' || n == '#' || n == '?' || n == '-' || n == '$' ||
               n == '!') {
      i_ += 2;
      w.has_expansion = true;
    } else {
      w.value.push_back('$');
      ++i_;
      return {};
    }
    w.value.append(s_.substr(start, i_ - start));
    return {};
  }

  std::expected<void, ShellError> backtick(Word& w) {
    size_t start = i_;
    std::string inner;
    size_t j = i_ + 1;
    for (; j < s_.size() && s_[j] != '`'; ++j) {
      if (s_[j] == '\\' && j + 1 < s_.size() &&
          (s_[j + 1] == '`' || s_[j + 1] == '\\' || s_[j + 1] == '$')) {
        ++j;
      }
      inner.push_back(s_[j]);
    }
    if (j >= s_.size()) return err(start, "unterminated backquote");
    if (depth_ > kMaxDepth) return err(start, "nesting too deep");
    Parser sub(inner, base_ + start + 1, lines_, depth_ + 1);
    auto l = sub.program();
    if (!l) return Err(l.error());
    w.substitutions.push_back(std::move(*l));
    w.has_expansion = true;
    i_ = j + 1;
    w.value.append(s_.substr(start, i_ - start));
    return {};
  }
};

struct Context {
  bool in_substitution = false;
  bool in_subshell = false;
  bool in_condition = false;
};

void walk_list(const List& l, Context ctx, std::vector<SimpleCommand>& out);

void walk_words(const std::vector<Word>& words, Context ctx, std::vector<SimpleCommand>& out) {
  ctx.in_substitution = true;
  for (const auto& w : words)
    for (const auto& sub : w.substitutions) walk_list(sub, ctx, out);
}

void walk_redirects(const std::vector<Redirect>& rs, Context ctx, std::vector<SimpleCommand>& out) {
  ctx.in_substitution = true;
  for (const auto& r : rs)
    for (const auto& sub : r.target.substitutions) walk_list(sub, ctx, out);
}

void walk_command(const Command& c, SimpleCommand proto, Context ctx,
                  std::vector<SimpleCommand>& out) {
  using K = Command::Kind;
  switch (c.kind) {
    case K::Simple: {
      proto.assignments = c.assignments;
      proto.words = c.words;
      proto.redirects = c.redirects;
      proto.pos = c.pos;
      proto.in_substitution = ctx.in_substitution;
      proto.in_subshell = ctx.in_subshell;
      proto.in_condition = ctx.in_condition;
      out.push_back(std::move(proto));
      walk_words(c.assignments, ctx, out);
      walk_words(c.words, ctx, out);
      break;
    }
    case K::Subshell: {
      Context inner = ctx;
      inner.in_subshell = true;
      for (const auto& b : c.bodies) walk_list(b, inner, out);
      break;
    }
    case K::BraceGroup:
    case K::Function:
      for (const auto& b : c.bodies) walk_list(b, ctx, out);
      break;
    case K::If:
      for (size_t k = 0; k < c.bodies.size(); ++k) {
        Context inner = ctx;
        bool is_else = c.has_else && k + 1 == c.bodies.size();
        inner.in_condition = ctx.in_condition || (!is_else && k % 2 == 0);
        walk_list(c.bodies[k], inner, out);
      }
      break;
    case K::While:
    case K::Until:
      for (size_t k = 0; k < c.bodies.size(); ++k) {
        Context inner = ctx;
        inner.in_condition = ctx.in_condition || k == 0;
        walk_list(c.bodies[k], inner, out);
      }
      break;
    case K::For:
      walk_words(c.for_words, ctx, out);
      for (const auto& b : c.bodies) walk_list(b, ctx, out);
      break;
    case K::Case:
      walk_words({c.name}, ctx, out);
      for (const auto& b : c.bodies) walk_list(b, ctx, out);
      break;
  }
  walk_redirects(c.redirects, ctx, out);
}

void walk_list(const List& l, Context ctx, std::vector<SimpleCommand>& out) {
  for (const auto& ao : l.items) {
    for (size_t p = 0; p < ao.pipelines.size(); ++p) {
      const Pipeline& pl = ao.pipelines[p];
      for (size_t k = 0; k < pl.commands.size(); ++k) {
        SimpleCommand proto;
        proto.pipeline_index = k;
        proto.pipeline_size = pl.commands.size();
        proto.negated = pl.negated;
        proto.and_or_index = p;
        proto.and_or_size = ao.pipelines.size();
        proto.op_before = p > 0 ? ao.ops[p - 1] : "";
        proto.op_after = p < ao.ops.size() ? ao.ops[p] : "";
        proto.background = ao.background;
        walk_command(pl.commands[k], std::move(proto), ctx, out);
      }
    }
  }
}

bool is_short_cluster(std::string_view a) {
  return a.size() >= 2 && a[0] == '-' && a[1] != '-';
}

}  // namespace

std::string Word::assignment_name() const {
  if (raw.empty() || !is_name_start(raw[0])) return "";
  size_t j = 1;
  while (j < raw.size() && is_name_char(raw[j])) ++j;
  if (j < raw.size() && raw[j] == '=') return raw.substr(0, j);
  if (j + 1 < raw.size() && raw[j] == '+' && raw[j + 1] == '=') return raw.substr(0, j);
  return "";
}

Error ShellError::to_error() const {
  return Error(ErrorKind::InvalidArgument,
               fmt::format("line {}, column {}: {}", pos.line, pos.column, message));
}

std::expected<Script, ShellError> parse(std::string_view text) {
  LineTable lines(text);
  Parser p(text, 0, lines, 0);
  return p.program();
}

Result<Script> parse_shell(std::string_view text) {
  auto r = parse(text);
  if (!r) return std::unexpected(r.error().to_error());
  return std::move(*r);
}

std::string SimpleCommand::name() const { return words.empty() ? "" : words[0].value; }

std::vector<Word> SimpleCommand::args() const {
  if (words.size() <= 1) return {};
  return std::vector<Word>(words.begin() + 1, words.end());
}

bool SimpleCommand::has_flag(std::string_view flag) const {
  if (flag.size() == 2 && flag[0] == '-' && flag[1] != '-') return has_flag(flag[1]);
  for (size_t k = 1; k < words.size(); ++k) {
    std::string_view a = words[k].value;
    if (a == "--") break;
    if (a == flag || (a.starts_with(flag) && a.size() > flag.size() && a[flag.size()] == '='))
      return true;
  }
  return false;
}

bool SimpleCommand::has_flag(char letter) const {
  for (size_t k = 1; k < words.size(); ++k) {
    std::string_view a = words[k].value;
    if (a == "--") break;
    if (is_short_cluster(a) && a.find(letter, 1) != std::string_view::npos) return true;
  }
  return false;
}

std::optional<std::string> SimpleCommand::flag_value(std::string_view flag) const {
  std::optional<std::string> found;
  bool is_long = flag.starts_with("--");
  for (size_t k = 1; k < words.size(); ++k) {
    std::string_view a = words[k].value;
    if (a == "--") break;
    if (a == flag) {
      if (k + 1 < words.size()) {
        found = words[k + 1].value;
        ++k;
      }
    } else if (is_long && a.starts_with(flag) && a.size() > flag.size() && a[flag.size()] == '=') {
      found = std::string(a.substr(flag.size() + 1));
    } else if (!is_long && flag.size() == 2 && a.size() > 2 && a.starts_with(flag) && a[1] != '-') {
      found = std::string(a.substr(2));
    }
  }
  return found;
}

std::vector<Word> SimpleCommand::positional_args(const std::vector<std::string>& flags_with_value) const {
  auto takes_value = [&](std::string_view f) {
    return std::find(flags_with_value.begin(), flags_with_value.end(), f) != flags_with_value.end();
  };
  std::vector<Word> out;
  bool options = true;
  for (size_t k = 1; k < words.size(); ++k) {
    std::string_view a = words[k].value;
    if (!options || a == "-" || !a.starts_with("-")) {
      out.push_back(words[k]);
      continue;
    }
    if (a == "--") {
      options = false;
      continue;
    }
    if (a.starts_with("--")) {
      if (a.find('=') == std::string_view::npos && takes_value(a)) ++k;
      continue;
    }
    // -abc: a value-taking letter ending the cluster takes the next word.
    std::string last = fmt::format("-{}", a.back());
    if (a.size() == 2 ? takes_value(a) : takes_value(last)) ++k;
  }
  return out;
}

namespace {

struct WrapperSpec {
  std::string_view name;
  std::vector<std::string_view> value_flags;
  bool assignments;  // NAME=value words before the command
};

const std::vector<WrapperSpec>& wrappers() {
  static const std::vector<WrapperSpec> specs = {
      {"sudo", {"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "--user", "--group",
                "--host", "--prompt", "--close-from", "--chdir", "--role", "--type",
                "--other-user", "--command-timeout"}, true},
      {"env", {"-u", "-C", "-S", "--unset", "--chdir", "--split-string"}, true},
      {"command", {}, false},
      {"exec", {"-a"}, false},
      {"nohup", {}, false},
      {"time", {"-f", "-o", "--format", "--output"}, false},
      {"nice", {"-n", "--adjustment"}, false},
      {"xargs", {"-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s", "--arg-file", "--delimiter",
                 "--max-lines", "--max-args", "--max-procs", "--max-chars", "--process-slot-var"},
       false},
  };
  return specs;
}

}  // namespace

std::optional<SimpleCommand> SimpleCommand::wrapped() const {
  if (words.empty()) return std::nullopt;
  const WrapperSpec* spec = nullptr;
  for (const auto& w : wrappers())
    if (w.name == words[0].value) spec = &w;
  if (!spec) return std::nullopt;
  SimpleCommand out = *this;
  out.words.clear();
  size_t k = 1;
  for (; k < words.size(); ++k) {
    std::string_view a = words[k].value;
    if (a == "--") {
      ++k;
      break;
    }
    if (a == "-" || !a.starts_with("-")) break;
    // `command -v x` / `command -V x` only look x up: nothing is run.
    if (spec->name == "command" && (a == "-v" || a == "-V")) return std::nullopt;
    bool value = std::find(spec->value_flags.begin(), spec->value_flags.end(), a) != spec->value_flags.end();
    if (value) ++k;
  }
  if (spec->assignments) {
    for (; k < words.size() && !words[k].assignment_name().empty(); ++k)
      out.assignments.push_back(words[k]);
  }
  if (k >= words.size()) return std::nullopt;
  out.words.assign(words.begin() + static_cast<std::ptrdiff_t>(k), words.end());
  out.pos = out.words[0].pos;
  return out;
}

SimpleCommand SimpleCommand::unwrapped() const {
  SimpleCommand c = *this;
  for (int guard = 0; guard < 16; ++guard) {
    auto w = c.wrapped();
    if (!w) break;
    c = std::move(*w);
  }
  return c;
}

std::vector<SimpleCommand> all_commands(const Script& script) {
  std::vector<SimpleCommand> out;
  walk_list(script, Context{}, out);
  return out;
}

}  // namespace hako::lint::shell
