#include "cli/format/ast.h"

namespace hako::cli::format {

namespace {

void write(std::string& out, const Node& n);

void write_pipe(std::string& out, const PipeNode& p) {
  for (size_t i = 0; i < p.decl.size(); ++i) {
    if (i > 0) out += ", ";
    write(out, *p.decl[i]);
  }
  if (!p.decl.empty()) out += p.is_assign ? " = " : " := ";
  for (size_t i = 0; i < p.cmds.size(); ++i) {
    if (i > 0) out += " | ";
    write(out, *p.cmds[i]);
  }
}

void write(std::string& out, const Node& n) {
  switch (n.kind) {
    case NodeKind::List:
      for (const auto& c : static_cast<const ListNode&>(n).nodes) write(out, *c);
      return;
    case NodeKind::Text: out += static_cast<const TextNode&>(n).text; return;
    case NodeKind::Action:
      out += "{{";
      write_pipe(out, *static_cast<const ActionNode&>(n).pipe);
      out += "}}";
      return;
    case NodeKind::If:
    case NodeKind::Range:
    case NodeKind::With: {
      const auto& b = static_cast<const BranchNode&>(n);
      out += n.kind == NodeKind::If ? "{{if " : n.kind == NodeKind::Range ? "{{range " : "{{with ";
      write_pipe(out, *b.pipe);
      out += "}}";
      write(out, *b.list);
      if (b.else_list) {
        out += "{{else}}";
        write(out, *b.else_list);
      }
      out += "{{end}}";
      return;
    }
    case NodeKind::Break: out += "{{break}}"; return;
    case NodeKind::Continue: out += "{{continue}}"; return;
    case NodeKind::End: out += "{{end}}"; return;
    case NodeKind::Else: out += "{{else}}"; return;
    case NodeKind::Pipe: write_pipe(out, static_cast<const PipeNode&>(n)); return;
    case NodeKind::Command: {
      const auto& c = static_cast<const CommandNode&>(n);
      for (size_t i = 0; i < c.args.size(); ++i) {
        if (i > 0) out += ' ';
        if (c.args[i]->kind == NodeKind::Pipe) {
          out += '(';
          write(out, *c.args[i]);
          out += ')';
        } else {
          write(out, *c.args[i]);
        }
      }
      return;
    }
    case NodeKind::Field:
      for (const auto& id : static_cast<const FieldNode&>(n).ident) out += "." + id;
      return;
    case NodeKind::Chain: {
      const auto& c = static_cast<const ChainNode&>(n);
      if (c.node->kind == NodeKind::Pipe) {
        out += '(';
        write(out, *c.node);
        out += ')';
      } else {
        write(out, *c.node);
      }
      for (const auto& f : c.field) out += "." + f;
      return;
    }
    case NodeKind::Identifier: out += static_cast<const IdentifierNode&>(n).name; return;
    case NodeKind::Variable: {
      const auto& v = static_cast<const VariableNode&>(n);
      for (size_t i = 0; i < v.ident.size(); ++i) {
        if (i > 0) out += '.';
        out += v.ident[i];
      }
      return;
    }
    case NodeKind::Dot: out += '.'; return;
    case NodeKind::Nil: out += "nil"; return;
    case NodeKind::Bool: out += static_cast<const BoolNode&>(n).value ? "true" : "false"; return;
    case NodeKind::Number: out += static_cast<const NumberNode&>(n).text; return;
    case NodeKind::String: out += static_cast<const StringNode&>(n).quoted; return;
  }
}

}  // namespace

std::string to_string(const Node& n) {
  std::string out;
  write(out, n);
  return out;
}

}  // namespace hako::cli::format
