#include "cli/format/parser.h"

#include <cerrno>
#include <cstdlib>
#include <algorithm>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "cli/format/functions.h"
#include "cli/format/gofmt.h"
#include "cli/format/lexer.h"
#include "cli/format/utf8.h"

namespace hako::cli::format {

namespace {

// Thrown inside this file only, the way Go's parser panics; parse_tree
// turns it into an Error.
struct ParseFailure {
  std::string message;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// strconv.Unquote for "..." and '...' bodies (quotes removed); nullopt on bad syntax.
std::optional<std::string> unescape(std::string_view s, char quote) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == quote && quote == '"') return std::nullopt;
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    if (++i >= s.size()) return std::nullopt;
    char e = s[i++];
    switch (e) {
      case 'a': out += '\a'; continue;
      case 'b': out += '\b'; continue;
      case 'f': out += '\f'; continue;
      case 'n': out += '\n'; continue;
      case 'r': out += '\r'; continue;
      case 't': out += '\t'; continue;
      case 'v': out += '\v'; continue;
      case '\\': out += '\\'; continue;
      case '\'':
      case '"':
        if (e != quote) return std::nullopt;
        out += e;
        continue;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i + n > s.size()) return std::nullopt;
        uint32_t v = 0;
        for (size_t k = 0; k < n; ++k) {
          int h = hex_value(s[i + k]);
          if (h < 0) return std::nullopt;
          v = v * 16 + uint32_t(h);
        }
        i += n;
        if (e == 'x') {
          out += char(v);
        } else {
          if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return std::nullopt;
          append_rune(out, v);
        }
        continue;
      }
      default:
        if (e >= '0' && e <= '7') {
          if (i + 2 > s.size()) return std::nullopt;
          uint32_t v = uint32_t(e - '0');
          for (size_t k = 0; k < 2; ++k) {
            char d = s[i + k];
            if (d < '0' || d > '7') return std::nullopt;
            v = v * 8 + uint32_t(d - '0');
          }
          if (v > 255) return std::nullopt;
          i += 2;
          out += char(v);
          continue;
        }
        return std::nullopt;
    }
  }
  return out;
}

// An integer literal in Go syntax (0x, 0o, 0b, leading-0 octal, '_').
std::optional<Json> parse_integer(std::string_view text) {
  bool neg = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) neg = text[0] == '-', text.remove_prefix(1);
  int base = 10;
  if (text.size() > 1 && text[0] == '0') {
    char b = text[1];
    if (b == 'x' || b == 'X') {
      base = 16, text.remove_prefix(2);
    } else if (b == 'o' || b == 'O') {
      base = 8, text.remove_prefix(2);
    } else if (b == 'b' || b == 'B') {
      base = 2, text.remove_prefix(2);
    } else {
      base = 8, text.remove_prefix(1);
    }
  }
  if (text.empty() || text.front() == '_' || text.back() == '_') return std::nullopt;
  unsigned __int128 v = 0;
  for (char c : text) {
    if (c == '_') continue;
    int d = hex_value(c);
    if (d < 0 || d >= base) return std::nullopt;
    v = v * unsigned(base) + unsigned(d);
    if (v > UINT64_MAX) return std::nullopt;
  }
  if (neg) {
    if (v > uint64_t(INT64_MAX) + 1) return std::nullopt;
    return Json(int64_t(-static_cast<__int128>(v)));
  }
  if (v <= uint64_t(INT64_MAX)) return Json(int64_t(v));
  return Json(uint64_t(v));
}

class Parser {
 public:
  explicit Parser(std::string_view text) : toks_(lex(text)) {}

  std::unique_ptr<ListNode> parse() {
    auto root = std::make_unique<ListNode>(peek().pos);
    while (peek().type != Tok::Eof) {
      NodePtr n = text_or_action();
      if (n->kind == NodeKind::End || n->kind == NodeKind::Else) errorf("unexpected " + to_string(*n));
      root->nodes.push_back(std::move(n));
    }
    return root;
  }

 private:
  const Token& tok(size_t i) {
    if (i >= toks_.size()) i = toks_.size() - 1;
    furthest_ = std::max(furthest_, i);
    return toks_[i];
  }
  const Token& next() { return tok(i_++); }
  void backup() { --i_; }
  const Token& peek() { return tok(i_); }
  const Token& next_non_space() {
    while (tok(i_).type == Tok::Space) ++i_;
    return next();
  }
  const Token& peek_non_space() {
    while (tok(i_).type == Tok::Space) ++i_;
    return peek();
  }

  [[noreturn]] void errorf(const std::string& msg) {
    throw ParseFailure{fmt::format("template: :{}: {}", tok(furthest_).line, msg)};
  }

  [[noreturn]] void unexpected(const Token& t, std::string_view context) {
    if (t.type == Tok::Error) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != t.line) {
        extra = fmt::format(" in action started at :{}", action_line_);
        if (t.val.ends_with(" action")) extra = extra.substr(std::string_view(" in action").size());
      }
      errorf(t.val + extra);
    }
    errorf(fmt::format("unexpected {} in {}", describe(t), context));
  }

  const Token& expect(Tok type, std::string_view context) {
    const Token& t = next_non_space();
    if (t.type != type) unexpected(t, context);
    return t;
  }

  std::pair<std::unique_ptr<ListNode>, NodePtr> item_list() {
    auto list = std::make_unique<ListNode>(peek_non_space().pos);
    while (peek_non_space().type != Tok::Eof) {
      NodePtr n = text_or_action();
      if (n->kind == NodeKind::End || n->kind == NodeKind::Else) return {std::move(list), std::move(n)};
      list->nodes.push_back(std::move(n));
    }
    errorf("unexpected EOF");
  }

  NodePtr text_or_action() {
    const Token& t = next_non_space();
    if (t.type == Tok::Text) return std::make_unique<TextNode>(t.pos, t.val);
    if (t.type != Tok::LeftDelim) unexpected(t, "input");
    int saved = action_line_;
    action_line_ = t.line;
    NodePtr n = action();
    action_line_ = saved;
    return n;
  }

  NodePtr action() {
    const Token& t = next_non_space();
    switch (t.type) {
      case Tok::Block:
      case Tok::Define:
      case Tok::Template: errorf(fmt::format("{{{{{}}}}} is not supported", t.val));
      case Tok::Break:
      case Tok::Continue: {
        NodeKind kind = t.type == Tok::Break ? NodeKind::Break : NodeKind::Continue;
        std::string name = "{{" + t.val + "}}";
        size_t pos = t.pos;
        const Token& end = next_non_space();
        if (end.type != Tok::RightDelim) unexpected(end, name);
        if (range_depth_ == 0) errorf(name + " outside {{range}}");
        return std::make_unique<Node>(kind, pos);
      }
      case Tok::Else: return else_control();
      case Tok::End: return std::make_unique<Node>(NodeKind::End, expect(Tok::RightDelim, "end").pos);
      case Tok::If: return control(NodeKind::If, "if");
      case Tok::Range: {
        ++range_depth_;
        NodePtr n = control(NodeKind::Range, "range");
        --range_depth_;
        return n;
      }
      case Tok::With: return control(NodeKind::With, "with");
      default: break;
    }
    backup();
    size_t pos = peek().pos;
    return std::make_unique<ActionNode>(pos, pipeline("command", Tok::RightDelim));
  }

  NodePtr else_control() {
    const Token& p = peek_non_space();
    // "{{else if ...": leave the "if" for control() to pick up.
    if (p.type == Tok::If || p.type == Tok::With) return std::make_unique<Node>(NodeKind::Else, p.pos);
    return std::make_unique<Node>(NodeKind::Else, expect(Tok::RightDelim, "else").pos);
  }

  NodePtr control(NodeKind kind, std::string_view context) {
    size_t mark = vars_.size();
    auto node = std::make_unique<BranchNode>(kind, 0);
    node->pipe = pipeline(context, Tok::RightDelim);
    node->pos = node->pipe->pos;
    NodePtr next;
    std::tie(node->list, next) = item_list();
    if (next->kind == NodeKind::Else) {
      // {{else if b}} is {{else}}{{if b}}...{{end}} sharing the outer {{end}}.
      Tok chained = kind == NodeKind::If ? Tok::If : kind == NodeKind::With ? Tok::With : Tok::Error;
      if (chained != Tok::Error && peek().type == chained) {
        this->next();
        node->else_list = std::make_unique<ListNode>(next->pos);
        node->else_list->nodes.push_back(control(kind, context));
      } else {
        NodePtr end;
        std::tie(node->else_list, end) = item_list();
        if (end->kind != NodeKind::End) errorf("expected end; found " + to_string(*end));
      }
    }
    vars_.resize(mark);
    return node;
  }

  std::unique_ptr<PipeNode> pipeline(std::string_view context, Tok end) {
    auto pipe = std::make_unique<PipeNode>(peek_non_space().pos);
    for (;;) {  // declarations: "$x :=", "$x =", "$i, $v :=" (range only)
      if (peek_non_space().type != Tok::Variable) break;
      size_t save = i_;
      const Token& v = next();
      const Token& after = peek_non_space();
      if (after.type == Tok::Assign || after.type == Tok::Declare) {
        pipe->is_assign = after.type == Tok::Assign;
        next_non_space();
        declare(*pipe, v);
        break;
      }
      if (after.type == Tok::Char && after.val == ",") {
        next_non_space();
        declare(*pipe, v);
        if (context == "range" && pipe->decl.size() < 2) {
          Tok t = peek_non_space().type;
          if (t == Tok::Variable || t == Tok::RightDelim || t == Tok::RightParen) continue;
          errorf("range can only initialize variables");
        }
        errorf(fmt::format("too many declarations in {}", context));
      }
      i_ = save;
      break;
    }
    for (;;) {
      const Token& t = next_non_space();
      if (t.type == end) {
        check_pipeline(*pipe, context);
        return pipe;
      }
      switch (t.type) {
        case Tok::Bool:
        case Tok::CharConstant:
        case Tok::Complex:
        case Tok::Dot:
        case Tok::Field:
        case Tok::Identifier:
        case Tok::Number:
        case Tok::Nil:
        case Tok::RawString:
        case Tok::String:
        case Tok::Variable:
        case Tok::LeftParen:
          backup();
          pipe->cmds.push_back(command());
          break;
        default: unexpected(t, context);
      }
    }
  }

  void declare(PipeNode& pipe, const Token& v) {
    pipe.decl.push_back(std::make_unique<VariableNode>(v.pos, std::vector<std::string>{v.val}));
    vars_.push_back(v.val);
  }

  void check_pipeline(const PipeNode& pipe, std::string_view context) {
    if (pipe.cmds.empty()) errorf(fmt::format("missing value for {}", context));
    for (size_t i = 1; i < pipe.cmds.size(); ++i) {
      switch (pipe.cmds[i]->args[0]->kind) {
        case NodeKind::Bool:
        case NodeKind::Dot:
        case NodeKind::Nil:
        case NodeKind::Number:
        case NodeKind::String: errorf(fmt::format("non executable command in pipeline stage {}", i + 1));
        default: break;
      }
    }
  }

  std::unique_ptr<CommandNode> command() {
    auto cmd = std::make_unique<CommandNode>(peek_non_space().pos);
    for (;;) {
      peek_non_space();
      if (NodePtr operand = this->operand()) cmd->args.push_back(std::move(operand));
      const Token& t = next();
      if (t.type == Tok::Space) continue;
      if (t.type == Tok::RightDelim || t.type == Tok::RightParen) {
        backup();
      } else if (t.type != Tok::Pipe) {
        unexpected(t, "operand");
      }
      break;
    }
    if (cmd->args.empty()) errorf("empty command");
    return cmd;
  }

  NodePtr operand() {
    NodePtr node = term();
    if (!node || peek().type != Tok::Field) return node;
    auto chain = std::make_unique<ChainNode>(peek().pos, nullptr);
    while (peek().type == Tok::Field) chain->field.push_back(next().val.substr(1));
    switch (node->kind) {
      case NodeKind::Field: {
        auto ident = static_cast<FieldNode&>(*node).ident;
        ident.insert(ident.end(), chain->field.begin(), chain->field.end());
        return std::make_unique<FieldNode>(chain->pos, std::move(ident));
      }
      case NodeKind::Variable: {
        auto ident = static_cast<VariableNode&>(*node).ident;
        ident.insert(ident.end(), chain->field.begin(), chain->field.end());
        return std::make_unique<VariableNode>(chain->pos, std::move(ident));
      }
      case NodeKind::Bool:
      case NodeKind::String:
      case NodeKind::Number:
      case NodeKind::Nil:
      case NodeKind::Dot: errorf(fmt::format("unexpected . after term {}", go_quote(to_string(*node))));
      default: chain->node = std::move(node); return chain;
    }
  }

  NodePtr term() {
    const Token& t = next_non_space();
    switch (t.type) {
      case Tok::Identifier:
        if (!is_function(t.val)) errorf(fmt::format("function {} not defined", go_quote(t.val)));
        return std::make_unique<IdentifierNode>(t.pos, t.val);
      case Tok::Dot: return std::make_unique<Node>(NodeKind::Dot, t.pos);
      case Tok::Nil: return std::make_unique<Node>(NodeKind::Nil, t.pos);
      case Tok::Variable: {
        if (std::find(vars_.begin(), vars_.end(), t.val) == vars_.end())
          errorf(fmt::format("undefined variable {}", go_quote(t.val)));
        return std::make_unique<VariableNode>(t.pos, std::vector<std::string>{t.val});
      }
      case Tok::Field: return std::make_unique<FieldNode>(t.pos, std::vector<std::string>{t.val.substr(1)});
      case Tok::Bool: return std::make_unique<BoolNode>(t.pos, t.val == "true");
      case Tok::CharConstant:
      case Tok::Complex:
      case Tok::Number: return number(t);
      case Tok::LeftParen: return pipeline("parenthesized pipeline", Tok::RightParen);
      case Tok::String:
      case Tok::RawString: {
        std::string_view body = std::string_view(t.val).substr(1, t.val.size() - 2);
        std::optional<std::string> s;
        if (t.type == Tok::RawString) {
          s.emplace();
          for (char c : body)
            if (c != '\r') *s += c;
        } else {
          s = unescape(body, '"');
        }
        if (!s) errorf("invalid syntax");
        return std::make_unique<StringNode>(t.pos, t.val, std::move(*s));
      }
      default: backup(); return nullptr;
    }
  }

  NodePtr number(const Token& t) {
    const std::string& text = t.val;
    if (t.type == Tok::CharConstant) {
      auto s = unescape(std::string_view(text).substr(1, text.size() - 2), '\'');
      size_t len = 0;
      if (!s || s->empty()) errorf(fmt::format("malformed character constant: {}", text));
      char32_t r = decode_rune(*s, 0, &len);
      if (len != s->size()) errorf(fmt::format("malformed character constant: {}", text));
      return std::make_unique<NumberNode>(t.pos, text, Json(int64_t(r)));
    }
    if (t.type == Tok::Complex || text.ends_with('i')) {
      std::string_view real = std::string_view(text).substr(0, text.size() - 1);
      bool numeric = t.type == Tok::Complex || (!real.empty() && real.find_first_of("xX") == std::string_view::npos &&
                                                 real.find_first_of("0123456789") != std::string_view::npos);
      if (!numeric) errorf(fmt::format("illegal number syntax: {}", go_quote(text)));
      errorf(fmt::format("complex constants are not supported: {}", go_quote(text)));
    }
    if (auto i = parse_integer(text)) return std::make_unique<NumberNode>(t.pos, text, std::move(*i));
    std::string clean;
    for (char c : text)
      if (c != '_') clean += c;
    bool is_hex = clean.find_first_of("xX") != std::string::npos;
    errno = 0;
    char* end = nullptr;
    double d = std::strtod(clean.c_str(), &end);
    bool ok = !clean.empty() && end == clean.c_str() + clean.size() && errno != ERANGE &&
              (!is_hex || clean.find_first_of("pP") != std::string::npos);
    if (ok && text.find_first_of(".eEpP") == std::string::npos) errorf(fmt::format("integer overflow: {}", go_quote(text)));
    if (!ok) errorf(fmt::format("illegal number syntax: {}", go_quote(text)));
    return std::make_unique<NumberNode>(t.pos, text, Json(d));
  }

  std::vector<Token> toks_;
  size_t i_ = 0;
  size_t furthest_ = 0;
  int action_line_ = 0;
  int range_depth_ = 0;
  std::vector<std::string> vars_{"$"};
};

}  // namespace

Result<std::shared_ptr<const Tree>> parse_tree(std::string_view text) {
  auto tree = std::make_shared<Tree>();
  tree->text = std::string(text);
  try {
    tree->root = Parser(tree->text).parse();
  } catch (const ParseFailure& f) {
    return fail(ErrorKind::InvalidArgument, f.message);
  }
  return std::shared_ptr<const Tree>(std::move(tree));
}

}  // namespace hako::cli::format
