// Parse tree of a template, shaped like text/template/parse's nodes so the
// evaluator and its error messages ("at <.Foo.Bar>") follow Go's.
// Internal to the format library.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "base/json.h"

namespace hako::cli::format {

enum class NodeKind {
  List,
  Text,
  Action,
  If,
  Range,
  With,
  Break,
  Continue,
  Pipe,
  Command,
  Field,
  Chain,
  Identifier,
  Variable,
  Dot,
  Nil,
  Bool,
  Number,
  String,
  End,   // parser-only: {{end}}
  Else,  // parser-only: {{else}}
};

struct Node {
  Node(NodeKind k, size_t p) : kind(k), pos(p) {}
  virtual ~Node() = default;
  NodeKind kind;
  size_t pos;  // byte offset of the node's first token
};
using NodePtr = std::unique_ptr<Node>;

struct ListNode : Node {
  explicit ListNode(size_t p) : Node(NodeKind::List, p) {}
  std::vector<NodePtr> nodes;
};

struct TextNode : Node {
  TextNode(size_t p, std::string t) : Node(NodeKind::Text, p), text(std::move(t)) {}
  std::string text;
};

// $x or $x.Field.Chain; ident[0] is the variable name with its '$'.
struct VariableNode : Node {
  VariableNode(size_t p, std::vector<std::string> i) : Node(NodeKind::Variable, p), ident(std::move(i)) {}
  std::vector<std::string> ident;
};

struct CommandNode : Node {
  explicit CommandNode(size_t p) : Node(NodeKind::Command, p) {}
  std::vector<NodePtr> args;  // args[0] is what gets called or evaluated
};

struct PipeNode : Node {
  explicit PipeNode(size_t p) : Node(NodeKind::Pipe, p) {}
  bool is_assign = false;  // "=" rather than ":="
  std::vector<std::unique_ptr<VariableNode>> decl;
  std::vector<std::unique_ptr<CommandNode>> cmds;
};

struct ActionNode : Node {
  ActionNode(size_t p, std::unique_ptr<PipeNode> pp) : Node(NodeKind::Action, p), pipe(std::move(pp)) {}
  std::unique_ptr<PipeNode> pipe;
};

// if, range and with.
struct BranchNode : Node {
  BranchNode(NodeKind k, size_t p) : Node(k, p) {}
  std::unique_ptr<PipeNode> pipe;
  std::unique_ptr<ListNode> list;
  std::unique_ptr<ListNode> else_list;  // may be null
};

// .A.B.C: ident holds the names without dots.
struct FieldNode : Node {
  FieldNode(size_t p, std::vector<std::string> i) : Node(NodeKind::Field, p), ident(std::move(i)) {}
  std::vector<std::string> ident;
};

// (pipeline).A.B
struct ChainNode : Node {
  ChainNode(size_t p, NodePtr n) : Node(NodeKind::Chain, p), node(std::move(n)) {}
  NodePtr node;
  std::vector<std::string> field;
};

struct IdentifierNode : Node {
  IdentifierNode(size_t p, std::string n) : Node(NodeKind::Identifier, p), name(std::move(n)) {}
  std::string name;
};

struct BoolNode : Node {
  BoolNode(size_t p, bool v) : Node(NodeKind::Bool, p), value(v) {}
  bool value;
};

struct NumberNode : Node {
  NumberNode(size_t p, std::string t, Json v) : Node(NodeKind::Number, p), text(std::move(t)), value(std::move(v)) {}
  std::string text;
  Json value;  // int64 (or uint64) for integer constants, double otherwise
};

struct StringNode : Node {
  StringNode(size_t p, std::string q, std::string t)
      : Node(NodeKind::String, p), quoted(std::move(q)), text(std::move(t)) {}
  std::string quoted;
  std::string text;
};

// The parsed template: the tree and the text it came from (for positions).
struct Tree {
  std::string text;
  std::unique_ptr<ListNode> root;
};

// The node written back as template source, as Go's Node.String() does.
std::string to_string(const Node& n);

}  // namespace hako::cli::format
