#include "lint/model.h"

#include <algorithm>

#include "base/strings.h"

namespace hako::lint {
namespace {

using build::parser::Node;

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string basename_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// Single-quotes a word for sh unless it needs none.
std::string sh_quote(std::string_view w) {
  bool plain = !w.empty() && std::all_of(w.begin(), w.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./=:@+,%^").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(w);
  std::string out = "'";
  for (char c : w) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// The shell text a RUN runs, or nullopt when it is not shell at all.
std::optional<std::string> run_text(const build::RunCommand& run) {
  if (!run.prepend_shell) {
    // Exec form: ["sh", "-c", "script"] is a script; anything else is one
    // command with these words.
    const auto& a = run.args;
    if (a.size() >= 3 && is_posix_shell(a[0]) && a[1] == "-c") return a[2];
    if (a.empty()) return std::nullopt;
    std::string text;
    for (const auto& w : a) {
      if (!text.empty()) text += ' ';
      text += sh_quote(w);
    }
    return text;
  }
  std::string text = run.args.empty() ? "" : run.args[0];
  if (run.heredocs.empty()) return text;
  // RUN <<EOF alone: the body is the script (unless a #! names another
  // interpreter). Heredocs fed to a command: the shell sees them as heredocs.
  std::string_view t = trim(text);
  if (run.heredocs.size() == 1 && t.starts_with("<<")) {
    const std::string& body = run.heredocs[0].content;
    if (body.starts_with("#!")) {
      size_t eol = body.find('\n');
      std::string_view shebang = std::string_view(body).substr(2, eol == std::string::npos ? body.size() - 2 : eol - 2);
      std::string_view interp = trim(shebang);
      size_t sp = interp.find(' ');
      std::string prog = basename_of(interp.substr(0, sp));
      if (prog == "env" && sp != std::string_view::npos) prog = basename_of(trim(interp.substr(sp + 1)));
      if (!is_posix_shell(prog)) return std::nullopt;
    }
    return body;
  }
  for (const auto& h : run.heredocs) text += "\n" + h.content + h.name;
  return text + "\n";
}

void parse_script(Instruction& ins) {
  const auto* run = ins.as<build::RunCommand>();
  if (!run) return;
  auto text = run_text(*run);
  if (!text) return;
  auto script = shell::parse(*text);
  if (!script) return;
  ins.script = std::move(*script);
  ins.commands = shell::all_commands(*ins.script);
  ins.unwrapped.reserve(ins.commands.size());
  for (const auto& c : ins.commands) ins.unwrapped.push_back(c.unwrapped());
}

Instruction make(const Node& node) {
  Instruction ins;
  ins.keyword = upper(node.value);
  ins.line = node.start_line;
  ins.end_line = node.end_line;
  ins.original = std::string(trim(node.original));
  ins.json = node.json;
  ins.flags = node.flags;
  auto typed = build::type_node(node);
  if (!typed) {
    ins.command = Untyped{typed.error().message()};
    return ins;
  }
  if (auto* from = std::get_if<build::FromCommand>(&*typed)) {
    ins.command = std::move(*from);
  } else {
    ins.command = std::move(std::get<build::Instruction>(*typed).command);
  }
  return ins;
}

// "# hadolint ignore=DL3008, DL3009" -> {"DL3008", "DL3009"}; `global` for
// "# hadolint global ignore=...". False when the comment is not a pragma.
bool parse_pragma(std::string_view comment, bool* global, std::set<std::string>* rules) {
  std::string_view s = trim(comment);
  if (!s.starts_with('#')) return false;
  s = trim(s.substr(1));
  if (!s.starts_with("hadolint")) return false;
  s = trim(s.substr(8));
  *global = false;
  if (s.starts_with("global")) {
    *global = true;
    s = trim(s.substr(6));
  }
  if (!s.starts_with("ignore")) return false;
  s = trim(s.substr(6));
  if (!s.starts_with('=')) return false;
  s = s.substr(1);
  size_t end = s.find('#');  // a trailing comment
  if (end != std::string_view::npos) s = s.substr(0, end);
  for (auto part : split(s, ',')) {
    std::string_view r = trim(part);
    size_t sp = r.find_first_of(" \t");
    if (sp != std::string_view::npos) r = r.substr(0, sp);
    if (!r.empty()) rules->insert(std::string(r));
  }
  return !rules->empty();
}

void read_pragmas(std::string_view text, Model& m) {
  // Lines inside instructions (continuations, heredoc bodies) are not
  // comments: a bitmap of them, so each line is checked in O(1).
  std::vector<bool> in_instruction;
  for (const auto& ins : m.instructions) {
    if (ins.end_line <= ins.line) continue;
    if (in_instruction.size() <= static_cast<size_t>(ins.end_line)) in_instruction.resize(ins.end_line + 1, false);
    for (int l = ins.line + 1; l <= ins.end_line; ++l) in_instruction[l] = true;
  }
  auto inside = [&](int line) { return static_cast<size_t>(line) < in_instruction.size() && in_instruction[line]; };
  int line = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    std::string_view l = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    ++line;
    bool global = false;
    std::set<std::string> rules;
    if (!inside(line) && parse_pragma(l, &global, &rules)) {
      if (!global) m.pragma_lines.push_back(line);
      if (global) {
        m.global_ignores.insert(rules.begin(), rules.end());
      } else {
        // The instruction that starts next after the comment.
        auto next = std::find_if(m.instructions.begin(), m.instructions.end(),
                                 [&](const Instruction& i) { return i.line > line; });
        if (next != m.instructions.end()) m.line_ignores[next->line].insert(rules.begin(), rules.end());
      }
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
}

}  // namespace

bool is_posix_shell(std::string_view path) {
  static const std::set<std::string, std::less<>> kShells = {"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"};
  return kShells.contains(basename_of(path));
}

Model build_model(std::string_view text) {
  Model m;
  auto parsed = build::parser::parse(text);
  if (!parsed) {
    std::string msg = parsed.error().message();
    int line = 1;
    if (msg.starts_with("line ")) {
      line = std::max(1, std::atoi(msg.c_str() + 5));
      size_t colon = msg.find(": ");
      if (colon != std::string::npos) msg = msg.substr(colon + 2);
    }
    m.syntax_errors.emplace_back(msg, line);
    return m;
  }
  m.escape = parsed->escape;
  bool posix_shell = true;
  for (const auto& node : parsed->ast.children) {
    Instruction ins = make(node);
    if (auto* u = std::get_if<Untyped>(&ins.command)) {
      std::string msg = u->error;
      if (msg.starts_with("line ")) {
        size_t colon = msg.find(": ");
        if (colon != std::string::npos) msg = msg.substr(colon + 2);
      }
      m.syntax_errors.emplace_back(msg, ins.line);
    }
    if (const auto* from = ins.as<build::FromCommand>()) {
      Stage st;
      st.index = static_cast<int>(m.stages.size());
      st.line = ins.line;
      st.image = from->image;
      st.name = from->stage_name;
      m.stages.push_back(std::move(st));
      posix_shell = true;  // SHELL is per stage
    }
    if (const auto* sh = ins.as<build::ShellCommand>(); sh && !sh->shell.empty()) {
      posix_shell = is_posix_shell(sh->shell[0]);
    }
    ins.stage = static_cast<int>(m.stages.size()) - 1;
    if (posix_shell) parse_script(ins);
    if (const auto* onbuild = ins.as<build::OnbuildCommand>()) {
      auto inner = build::parser::parse(onbuild->expression, m.escape);
      if (inner && inner->ast.children.size() == 1) {
        auto trig = std::make_shared<Instruction>(make(inner->ast.children[0]));
        trig->line = ins.line;
        trig->end_line = ins.end_line;
        trig->stage = ins.stage;
        trig->onbuild_trigger = true;
        if (posix_shell) parse_script(*trig);
        ins.trigger = std::move(trig);
      }
    }
    if (ins.stage >= 0) m.stages[ins.stage].instructions.push_back(m.instructions.size());
    m.instructions.push_back(std::move(ins));
  }
  read_pragmas(text, m);
  return m;
}

std::vector<const Instruction*> run_instructions(const Model& model) {
  std::vector<const Instruction*> out;
  for (const auto& ins : model.instructions) {
    if (ins.is("RUN")) out.push_back(&ins);
    if (ins.trigger && ins.trigger->is("RUN")) out.push_back(ins.trigger.get());
  }
  return out;
}

}  // namespace hako::lint
