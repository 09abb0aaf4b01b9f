// Typed Dockerfile instructions: what the builder (and the linter) work on.
//
// parse_dockerfile() runs the parser (parser.h: the syntax tree, exactly as
// BuildKit's parser makes it) and then turns each node into one of the
// commands below, checking each instruction's flags and argument counts the
// way BuildKit's instructions package does. Words are kept as written:
// variables are expanded by the builder at dispatch time with the stage's
// ENV and ARGs (shell_lex.h), as BuildKit does; nothing here expands them.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/error.h"
#include "build/dockerfile/parser.h"

namespace hako::build {

// A heredoc taken from an instruction line (`RUN <<EOF`, `COPY <<EOF dest`).
struct Heredoc {
  std::string name;     // "EOF"; for COPY the source name
  std::string content;  // the body, with its final newline
  bool expand = true;   // false when the word was quoted: <<"EOF" / <<'EOF'
  bool chomp = false;   // <<-EOF: leading tabs were stripped
};

struct KeyValue {
  std::string key;
  std::string value;
};

// RUN --mount=type=...
struct RunMount {
  enum class Type { Bind, Cache, Tmpfs, Secret, Ssh } type = Type::Bind;
  std::string target;
  std::string source;
  std::string from;  // stage name or image for bind/cache
  std::string id;    // cache id / secret id
  std::string sharing = "shared";  // cache: shared, private, locked
  bool readonly = false;  // bind default true, cache default false
  bool required = false;  // secret
  std::optional<unsigned> mode, uid, gid;
  std::optional<int64_t> size_bytes;  // tmpfs
  std::string env;  // secret exposed as an environment variable
};

struct FromCommand {
  std::string image;       // "busybox:latest", "${BASE}", "scratch", or a stage name
  std::string stage_name;  // after AS, lower-cased; empty if none
  std::string platform;    // --platform, unexpanded
};

// RUN, CMD, ENTRYPOINT: either JSON (exec) form or shell form.
struct ShellDependentCommand {
  std::vector<std::string> args;  // exec form: the words; shell form: one string
  bool prepend_shell = false;     // shell form: run through the stage's SHELL
  std::vector<Heredoc> heredocs;  // RUN <<EOF
};

struct RunCommand : ShellDependentCommand {
  std::vector<RunMount> mounts;
  std::string network;   // "", "default", "none", "host"
  std::string security;  // "", "sandbox", "insecure"
};
struct CmdCommand : ShellDependentCommand {};
struct EntrypointCommand : ShellDependentCommand {};

struct ShellCommand {
  std::vector<std::string> shell;
};

struct EnvCommand {
  std::vector<KeyValue> env;
};
struct LabelCommand {
  std::vector<KeyValue> labels;
};
struct MaintainerCommand {
  std::string maintainer;
};

struct ArgCommand {
  struct Arg {
    std::string key;
    std::optional<std::string> value;  // ARG x=default; nullopt for ARG x
  };
  std::vector<Arg> args;
};

// COPY and ADD.
struct CopyCommand {
  bool is_add = false;
  std::vector<std::string> sources;
  std::string dest;
  std::vector<Heredoc> source_heredocs;  // COPY <<EOF dest
  std::string from;                     // --from
  std::string chown;                    // --chown
  std::string chmod;                    // --chmod
  std::string checksum;                 // ADD --checksum
  bool link = false;                    // --link
  bool parents = false;                 // --parents
  std::vector<std::string> excludes;    // --exclude (repeatable)
  bool keep_git_dir = false;            // ADD --keep-git-dir
  std::optional<bool> unpack;           // ADD --unpack
};

struct ExposeCommand {
  std::vector<std::string> ports;
};
struct VolumeCommand {
  std::vector<std::string> volumes;
};
struct UserCommand {
  std::string user;
};
struct WorkdirCommand {
  std::string path;
};
struct StopSignalCommand {
  std::string signal;
};
// ONBUILD: the nested instruction as text, as the image config keeps it.
struct OnbuildCommand {
  std::string expression;
};

struct HealthcheckCommand {
  // Docker's Healthcheck.Test: {"NONE"}, {"CMD", args...}, {"CMD-SHELL", cmd}.
  std::vector<std::string> test;
  // Durations in nanoseconds; 0 = inherit/default (as Docker's config).
  int64_t interval_ns = 0, timeout_ns = 0, start_period_ns = 0, start_interval_ns = 0;
  int retries = 0;
};

using Command =
    std::variant<RunCommand, CmdCommand, EntrypointCommand, ShellCommand, EnvCommand, LabelCommand,
                 MaintainerCommand, ArgCommand, CopyCommand, ExposeCommand, VolumeCommand, UserCommand,
                 WorkdirCommand, StopSignalCommand, OnbuildCommand, HealthcheckCommand>;

struct Instruction {
  Command command;
  std::string keyword;   // upper case: "RUN"
  std::string original;  // the instruction as written, continuations joined (history's created_by)
  int start_line = 0;    // 1-based, in the Dockerfile
  int end_line = 0;
};

struct Stage {
  FromCommand from;
  std::string original;  // the FROM line
  int start_line = 0;
  int end_line = 0;
  std::vector<Instruction> instructions;
};

struct Warning {
  std::string message;
  int line = 0;
};

struct Dockerfile {
  std::vector<ArgCommand::Arg> meta_args;  // ARGs before the first FROM
  std::vector<Stage> stages;
  char escape = '\\';
  std::string syntax;  // # syntax=
  std::string check;   // # check=
  std::vector<Warning> warnings;
};

// Parses a whole Dockerfile. Errors name the line: "line 3: unknown
// instruction: FOOBAR", "line 2: unknown flag: --form", "line 1: FROM
// requires either one or three arguments"; the caller puts the file name in
// front ("Dockerfile:3: ...").
Result<Dockerfile> parse_dockerfile(std::string_view text);

// One syntax-tree node typed on its own: FROM as a FromCommand, anything else
// as an Instruction. The linter types node by node, so that an instruction
// before the first FROM is a finding (DL3061) rather than the end of linting.
// Errors as parse_dockerfile's ("line 2: unknown flag: --form").
using TypedNode = std::variant<FromCommand, Instruction>;
Result<TypedNode> type_node(const parser::Node& node);

// A typed instruction from one ONBUILD expression of a base image
// ("RUN echo hi"), for the builder to run at the start of a child stage.
Result<Instruction> parse_onbuild_expression(std::string_view expression, char escape);

}  // namespace hako::build
