// Evaluation, following text/template's exec.go: same order of evaluation,
// same variable scoping, same error texts.
#include <algorithm>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "cli/format/ast.h"
#include "cli/format/functions.h"
#include "cli/format/gofmt.h"
#include "cli/format/parser.h"
#include "cli/format/template.h"

namespace hako::cli::format {

namespace {

// Thrown inside this file only, as Go's exec panics; execute_to turns it into an Error.
struct ExecFailure {
  std::string message;
};

using Args = std::span<const NodePtr>;

class Exec {
 public:
  Exec(const Tree& tree, const ExecOptions& options, std::string& out)
      : tree_(tree), opts_(options), out_(out) {}

  void run(const Json& data) {
    Value root = Value::borrowed(data);
    vars_.emplace_back("$", root);
    walk(root, *tree_.root);
  }

 private:
  enum class Flow { Normal, Break, Continue };

  void at(const Node& n) { at_ = &n; }

  [[noreturn]] void errorf(const std::string& msg) {
    if (!at_) throw ExecFailure{"template: : " + msg};
    std::string_view before = std::string_view(tree_.text).substr(0, std::min(at_->pos, tree_.text.size()));
    size_t nl = before.rfind('\n');
    size_t col = nl == std::string_view::npos ? before.size() : before.size() - nl - 1;
    size_t line = 1 + std::count(before.begin(), before.end(), '\n');
    throw ExecFailure{fmt::format("template: :{}:{}: executing \"\" at <{}>: {}", line, col, to_string(*at_), msg)};
  }

  // ---- variables ----

  size_t mark() const { return vars_.size(); }
  void pop(size_t m) { vars_.resize(m); }
  void set_var(const std::string& name, const Value& v) {
    for (size_t i = vars_.size(); i-- > 0;)
      if (vars_[i].first == name) {
        vars_[i].second = v;
        return;
      }
    errorf("undefined variable: " + name);
  }
  const Value& var_value(const std::string& name) {
    for (size_t i = vars_.size(); i-- > 0;)
      if (vars_[i].first == name) return vars_[i].second;
    errorf("undefined variable: " + name);
  }

  // ---- statements ----

  Flow walk(const Value& dot, const Node& node) {
    switch (node.kind) {
      case NodeKind::Action: {
        const auto& a = static_cast<const ActionNode&>(node);
        Value v = eval_pipeline(dot, *a.pipe);
        if (a.pipe->decl.empty()) out_ += v.missing() ? "<no value>" : go_sprint_value(v.json());
        return Flow::Normal;
      }
      case NodeKind::Break: return Flow::Break;
      case NodeKind::Continue: return Flow::Continue;
      case NodeKind::If:
      case NodeKind::With: return walk_if_or_with(dot, static_cast<const BranchNode&>(node));
      case NodeKind::Range: return walk_range(dot, static_cast<const BranchNode&>(node));
      case NodeKind::List:
        for (const auto& n : static_cast<const ListNode&>(node).nodes) {
          Flow f = walk(dot, *n);
          if (f != Flow::Normal) return f;
        }
        return Flow::Normal;
      case NodeKind::Text: out_ += static_cast<const TextNode&>(node).text; return Flow::Normal;
      default: at(node); errorf("unknown node: " + to_string(node));
    }
  }

  Flow walk_if_or_with(const Value& dot, const BranchNode& b) {
    size_t m = mark();
    Value v = eval_pipeline(dot, *b.pipe);
    Flow f = Flow::Normal;
    if (is_true(v)) {
      f = walk(b.kind == NodeKind::With ? v : dot, *b.list);
    } else if (b.else_list) {
      f = walk(dot, *b.else_list);
    }
    pop(m);
    return f;
  }

  Flow walk_range(const Value& dot, const BranchNode& r) {
    at(r);
    size_t outer = mark();
    Value v = eval_pipeline(dot, *r.pipe);
    size_t m = mark();
    const auto& decl = r.pipe->decl;
    auto one = [&](const Value& index, const Value& elem) {
      if (!decl.empty()) {
        if (r.pipe->is_assign) {
          set_var(decl[0]->ident[0], decl.size() > 1 ? index : elem);
        } else {
          vars_[vars_.size() - 1].second = elem;
        }
      }
      if (decl.size() > 1) {
        if (r.pipe->is_assign) {
          set_var(decl[1]->ident[0], elem);
        } else {
          vars_[vars_.size() - 2].second = index;
        }
      }
      Flow f = walk(elem, *r.list);
      pop(m);
      return f;
    };
    const Json& j = v.json();
    bool ran = false;
    if ((j.is_array() || j.is_object()) && !j.empty()) {
      ran = true;
      int64_t i = 0;
      for (auto it = j.begin(); it != j.end(); ++it, ++i) {
        Value index = j.is_array() ? Value::owned(Json(i)) : Value::owned(Json(it.key()));
        if (one(index, v.child(*it)) == Flow::Break) break;
      }
    } else if (j.is_number_integer()) {
      if (decl.size() > 1) errorf(fmt::format("can't use {} to iterate over more than one variable", go_sprint_value(j)));
      int64_t n = j.is_number_unsigned() ? int64_t(std::min<uint64_t>(j.get<uint64_t>(), INT64_MAX)) : j.get<int64_t>();
      for (int64_t i = 0; i < n; ++i) {
        ran = true;
        Value e = Value::owned(Json(i));
        if (one(e, e) == Flow::Break) break;
      }
    } else if (!j.is_null() && !j.is_array() && !j.is_object()) {
      errorf("range can't iterate over " + go_sprint_value(j));
    }
    if (!ran && r.else_list) walk(dot, *r.else_list);
    pop(outer);
    return Flow::Normal;
  }

  // ---- expressions ----

  Value eval_pipeline(const Value& dot, const PipeNode& pipe) {
    at(pipe);
    std::optional<Value> value;
    for (const auto& cmd : pipe.cmds) {
      Value next = eval_command(dot, *cmd, value ? &*value : nullptr);
      value = std::move(next);
    }
    for (const auto& v : pipe.decl) {
      if (pipe.is_assign) {
        set_var(v->ident[0], *value);
      } else {
        vars_.emplace_back(v->ident[0], *value);
      }
    }
    return *value;
  }

  void not_a_function(Args args, const Value* final) {
    if (args.size() > 1 || final) errorf("can't give argument to non-function " + to_string(*args[0]));
  }

  Value eval_command(const Value& dot, const CommandNode& cmd, const Value* final) {
    const Node& first = *cmd.args[0];
    Args args(cmd.args);
    switch (first.kind) {
      case NodeKind::Field: return eval_field_node(dot, static_cast<const FieldNode&>(first), args, final);
      case NodeKind::Chain: return eval_chain_node(dot, static_cast<const ChainNode&>(first), args, final);
      case NodeKind::Identifier:
        return eval_function(dot, static_cast<const IdentifierNode&>(first), cmd, args, final);
      case NodeKind::Pipe:
        not_a_function(args, final);
        return eval_pipeline(dot, static_cast<const PipeNode&>(first));
      case NodeKind::Variable:
        return eval_variable_node(dot, static_cast<const VariableNode&>(first), args, final);
      default: break;
    }
    at(first);
    not_a_function(args, final);
    return literal(dot, first);
  }

  Value literal(const Value& dot, const Node& n) {
    switch (n.kind) {
      case NodeKind::Bool: return Value::owned(Json(static_cast<const BoolNode&>(n).value));
      case NodeKind::Dot: return dot;
      case NodeKind::Nil: errorf("nil is not a command");
      case NodeKind::Number: return Value::owned(static_cast<const NumberNode&>(n).value);
      case NodeKind::String: return Value::owned(Json(static_cast<const StringNode&>(n).text));
      default: errorf("can't evaluate command " + go_quote(to_string(n)));
    }
  }

  Value eval_field_node(const Value& dot, const FieldNode& field, Args args, const Value* final) {
    at(field);
    return eval_field_chain(dot, dot, field, field.ident, args, final);
  }

  Value eval_chain_node(const Value& dot, const ChainNode& chain, Args args, const Value* final) {
    at(chain);
    if (chain.node->kind == NodeKind::Nil) errorf("indirection through explicit nil in " + to_string(chain));
    Value pipe = eval_arg(dot, *chain.node, /*typed=*/false);
    return eval_field_chain(dot, pipe, chain, chain.field, args, final);
  }

  Value eval_variable_node(const Value& dot, const VariableNode& var, Args args, const Value* final) {
    at(var);
    Value value = var_value(var.ident[0]);
    if (var.ident.size() == 1) {
      not_a_function(args, final);
      return value;
    }
    std::span<const std::string> rest(var.ident);
    return eval_field_chain(dot, value, var, rest.subspan(1), args, final);
  }

  Value eval_field_chain(const Value& dot, Value receiver, const Node& node, std::span<const std::string> ident,
                         Args args, const Value* final) {
    for (size_t i = 0; i + 1 < ident.size(); ++i) receiver = eval_field(dot, ident[i], {}, nullptr, receiver);
    return eval_field(dot, ident.back(), args, final, receiver);
  }

  Value eval_field(const Value& dot, const std::string& name, Args args, const Value* final, const Value& receiver) {
    if (receiver.missing()) {
      if (opts_.missing_key == MissingKey::Error) errorf(fmt::format("nil data; no entry for key {}", go_quote(name)));
      return Value();
    }
    const Json& j = receiver.json();
    if (j.is_null()) errorf("nil pointer evaluating interface {}." + name);
    if (!j.is_object()) errorf(fmt::format("can't evaluate field {} in type {}", name, go_type_name(j)));
    bool has_args = args.size() > 1 || final;
    auto it = j.find(name);
    if (it == j.end()) {
      if (has_args) errorf(name + " is not a method but has arguments");
      if (opts_.missing_key == MissingKey::Error) errorf(fmt::format("map has no entry for key {}", go_quote(name)));
      return Value();
    }
    Value v = receiver.child(*it);
    if (!has_args || opts_.header) return v;
    if (!it->is_object()) errorf(name + " is not a method but has arguments");
    // An object used like a method: `.Label "key"` indexes it.
    size_t got = args.size() - 1 + (final ? 1 : 0);
    if (got != 1) errorf(fmt::format("wrong number of args for {}: want 1 got {}", name, got));
    Value key = final ? *final : eval_arg(dot, *args[1], true);
    if (!key.json().is_string())
      errorf(fmt::format("wrong type for value; expected string; got {}", go_param_type_name(key.json())));
    auto found = it->find(key.json().get_ref<const std::string&>());
    return found != it->end() ? v.child(*found) : Value::owned(Json(""));
  }

  Value eval_function(const Value& dot, const IdentifierNode& id, const Node& cmd, Args args, const Value* final) {
    at(id);
    const Function* fn = find_function(id.name, opts_.header);
    if (!fn) errorf(fmt::format("{} is not a defined function", go_quote(id.name)));
    return eval_call(dot, *fn, cmd, args, final);
  }

  Value eval_call(const Value& dot, const Function& fn, const Node& node, Args args, const Value* final) {
    Args params = args.empty() ? args : args.subspan(1);
    int got = int(params.size()) + (final ? 1 : 0);
    if (fn.max_args >= 0 && (got < fn.min_args || got > fn.max_args))
      errorf(fmt::format("wrong number of args for {}: want {} got {}", fn.name, fn.min_args, got));
    if (fn.max_args < 0 && got < fn.min_args)
      errorf(fmt::format("wrong number of args for {}: want at least {} got {}", fn.name, fn.min_args, got));
    if (!fn.impl) {  // and, or: stop at the first operand that decides
      bool is_or = fn.name == "or";
      Value v;
      for (const auto& p : params) {
        v = eval_arg(dot, *p, true);
        if (is_true(v) == is_or) return v;
      }
      if (final) v = typed(*final);
      return v;
    }
    std::vector<Value> argv;
    argv.reserve(size_t(got));
    for (const auto& p : params) argv.push_back(eval_arg(dot, *p, true));
    if (final) argv.push_back(typed(*final));
    try {
      return fn.impl(argv);
    } catch (const CallError& e) {
      at(node);
      errorf(e.wrap ? fmt::format("error calling {}: {}", fn.name, e.message) : e.message);
    }
  }

  // A function argument: Go passes a missing value to an interface{}
  // parameter as nil.
  static Value typed(const Value& v) { return v.missing() ? Value::owned(Json()) : v; }

  Value eval_arg(const Value& dot, const Node& n, bool is_typed) {
    at(n);
    Value v;
    switch (n.kind) {
      case NodeKind::Dot: v = dot; break;
      case NodeKind::Nil: return Value::owned(Json());
      case NodeKind::Field: v = eval_field_node(dot, static_cast<const FieldNode&>(n), {}, nullptr); break;
      case NodeKind::Variable: v = eval_variable_node(dot, static_cast<const VariableNode&>(n), {}, nullptr); break;
      case NodeKind::Pipe: v = eval_pipeline(dot, static_cast<const PipeNode&>(n)); break;
      case NodeKind::Identifier: {
        const auto& id = static_cast<const IdentifierNode&>(n);
        v = eval_function(dot, id, id, {}, nullptr);
        break;
      }
      case NodeKind::Chain: v = eval_chain_node(dot, static_cast<const ChainNode&>(n), {}, nullptr); break;
      case NodeKind::Bool:
      case NodeKind::Number:
      case NodeKind::String: return literal(dot, n);
      default: errorf("can't handle " + to_string(n) + " for arg");
    }
    return is_typed ? typed(v) : v;
  }

  const Tree& tree_;
  const ExecOptions& opts_;
  std::string& out_;
  const Node* at_ = nullptr;
  std::vector<std::pair<std::string, Value>> vars_;
};

}  // namespace

Result<Template> parse_template(std::string_view text) {
  TRY_ASSIGN(auto tree, parse_tree(text));
  return Template(std::move(tree));
}

const std::string& Template::text() const { return tree_->text; }

Result<void> Template::execute_to(std::string& out, const Json& data, const ExecOptions& options) const {
  try {
    Exec(*tree_, options, out).run(data);
  } catch (const ExecFailure& f) {
    return fail(ErrorKind::InvalidArgument, f.message);
  }
  return {};
}

Result<std::string> Template::execute(const Json& data, const ExecOptions& options) const {
  std::string out;
  TRY(execute_to(out, data, options));
  return out;
}

}  // namespace hako::cli::format
