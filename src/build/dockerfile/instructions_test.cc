// Typed instructions: each instruction, each flag, BuildKit's error wording.
#include "build/dockerfile/instructions.h"

#include <gtest/gtest.h>

namespace hako::build {
namespace {

Dockerfile ok(std::string_view text) {
  auto r = parse_dockerfile(text);
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : Dockerfile{};
}

std::string err(std::string_view text) {
  auto r = parse_dockerfile(text);
  EXPECT_FALSE(r) << "parsed: " << text;
  if (r) return "";
  EXPECT_EQ(r.error().kind(), ErrorKind::InvalidArgument);
  return r.error().message();
}

template <typename T>
T first(std::string_view body) {
  Dockerfile df = ok("FROM scratch\n" + std::string(body));
  EXPECT_EQ(df.stages.size(), 1u);
  EXPECT_FALSE(df.stages.empty() || df.stages[0].instructions.empty());
  if (df.stages.empty() || df.stages[0].instructions.empty()) return T{};
  const T* c = std::get_if<T>(&df.stages[0].instructions[0].command);
  EXPECT_NE(c, nullptr);
  return c ? *c : T{};
}

TEST(Instructions, FromStagesAndMetaArgs) {
  Dockerfile df = ok("ARG BASE=alpine\nARG V\nFROM --platform=$BUILDPLATFORM ${BASE} AS Build\nRUN x\nfrom scratch\n");
  ASSERT_EQ(df.meta_args.size(), 2u);
  EXPECT_EQ(df.meta_args[0].key, "BASE");
  EXPECT_EQ(df.meta_args[0].value, "alpine");
  EXPECT_FALSE(df.meta_args[1].value);
  ASSERT_EQ(df.stages.size(), 2u);
  EXPECT_EQ(df.stages[0].from.image, "${BASE}");
  EXPECT_EQ(df.stages[0].from.stage_name, "build");
  EXPECT_EQ(df.stages[0].from.platform, "$BUILDPLATFORM");
  EXPECT_EQ(df.stages[0].original, "FROM --platform=$BUILDPLATFORM ${BASE} AS Build");
  EXPECT_EQ(df.stages[0].start_line, 3);
  ASSERT_EQ(df.stages[0].instructions.size(), 1u);
  EXPECT_EQ(df.stages[0].instructions[0].keyword, "RUN");
  EXPECT_EQ(df.stages[0].instructions[0].start_line, 4);
  EXPECT_EQ(df.stages[1].from.image, "scratch");
  EXPECT_EQ(df.stages[1].from.stage_name, "");
}

TEST(Instructions, FromErrors) {
  EXPECT_EQ(err("FROM a b\n"), "line 1: FROM requires either one or three arguments");
  EXPECT_EQ(err("FROM\n"), "line 1: FROM requires either one or three arguments");
  EXPECT_EQ(err("FROM a AS 1x\n"),
            "line 1: invalid name for build stage: \"1x\", name can't start with a number or contain symbols");
  EXPECT_EQ(err("FROM --form=x a\n"), "line 1: unknown flag: form");
  EXPECT_EQ(err("FROM --platform a\n"), "line 1: missing a value on flag: platform");
  EXPECT_EQ(err("FROM --platform=a --platform=b a\n"), "line 1: duplicate flag specified: platform");
}

TEST(Instructions, NoStageAndUnknown) {
  EXPECT_EQ(err("RUN x\n"), "line 1: no build stage in current context");
  EXPECT_EQ(err("FROM a\nFOOBAR x\n"), "line 2: unknown instruction: FOOBAR");
  EXPECT_EQ(err("# only\n"), "line 1: file with no instructions");
  EXPECT_EQ(err(""), "line 1: file with no instructions");
}

TEST(Instructions, RunForms) {
  auto shell = first<RunCommand>("RUN echo  hi \\\n  there\n");
  EXPECT_EQ(shell.args, (std::vector<std::string>{"echo  hi   there"}));
  EXPECT_TRUE(shell.prepend_shell);
  auto exec = first<RunCommand>("RUN [\"echo\", \"hi\"]\n");
  EXPECT_EQ(exec.args, (std::vector<std::string>{"echo", "hi"}));
  EXPECT_FALSE(exec.prepend_shell);
  Dockerfile df = ok("FROM a\nRUN echo a \\\n b\n");
  EXPECT_EQ(df.stages[0].instructions[0].original, "RUN echo a  b");
  EXPECT_EQ(df.stages[0].instructions[0].end_line, 3);
}

TEST(Instructions, RunHeredoc) {
  auto run = first<RunCommand>("RUN <<-EOF\n\techo hi\n\tEOF\n");
  ASSERT_EQ(run.heredocs.size(), 1u);
  EXPECT_EQ(run.heredocs[0].name, "EOF");
  EXPECT_EQ(run.heredocs[0].content, "echo hi\n");
  EXPECT_TRUE(run.heredocs[0].chomp);
  EXPECT_TRUE(run.heredocs[0].expand);
  EXPECT_EQ(run.args, (std::vector<std::string>{"<<-EOF"}));
}

TEST(Instructions, RunFlags) {
  auto run = first<RunCommand>(
      "RUN --network=none --security=insecure --mount=type=cache,target=/root/.cache,id=c,sharing=locked,mode=0755,uid=1 "
      "--mount=type=secret,id=tok,required,env=TOKEN --mount=type=tmpfs,dst=/t,size=64m --mount=from=b,src=/s,target=/d,rw "
      "--mount=type=ssh make\n");
  EXPECT_EQ(run.network, "none");
  EXPECT_EQ(run.security, "insecure");
  ASSERT_EQ(run.mounts.size(), 5u);
  const auto& c = run.mounts[0];
  EXPECT_EQ(c.type, RunMount::Type::Cache);
  EXPECT_EQ(c.target, "/root/.cache");
  EXPECT_EQ(c.id, "c");
  EXPECT_EQ(c.sharing, "locked");
  EXPECT_EQ(c.mode, 0755u);
  EXPECT_EQ(c.uid, 1u);
  EXPECT_FALSE(c.readonly);
  const auto& s = run.mounts[1];
  EXPECT_EQ(s.type, RunMount::Type::Secret);
  EXPECT_TRUE(s.required);
  EXPECT_EQ(s.env, "TOKEN");
  EXPECT_TRUE(s.readonly);
  const auto& t = run.mounts[2];
  EXPECT_EQ(t.type, RunMount::Type::Tmpfs);
  EXPECT_EQ(t.target, "/t");
  EXPECT_EQ(t.size_bytes, 64 * 1024 * 1024);
  const auto& b = run.mounts[3];
  EXPECT_EQ(b.type, RunMount::Type::Bind);
  EXPECT_EQ(b.from, "b");
  EXPECT_EQ(b.source, "/s");
  EXPECT_FALSE(b.readonly);
  EXPECT_EQ(run.mounts[4].type, RunMount::Type::Ssh);
  EXPECT_EQ(run.args, (std::vector<std::string>{"make"}));
  EXPECT_TRUE(first<RunCommand>("RUN --mount=target=/x true\n").mounts.at(0).readonly);
  EXPECT_EQ(first<RunCommand>("RUN --mount=type=cache,target=/x true\n").mounts.at(0).sharing, "shared");
}

TEST(Instructions, RunFlagErrors) {
  EXPECT_EQ(err("FROM a\nRUN --mount=type=nfs,target=/x true\n"), "line 2: unsupported mount type \"nfs\"");
  EXPECT_EQ(err("FROM a\nRUN --mount=type=bind,target=/x,mode=0700 true\n"),
            "line 2: mode not allowed for \"bind\" type mounts");
  EXPECT_EQ(err("FROM a\nRUN --mount=target=/x,bogus=1 true\n"), "line 2: unexpected key 'bogus' in 'bogus=1'");
  EXPECT_EQ(err("FROM a\nRUN --mount=target=/x,size=1m true\n"),
            "line 2: unexpected key 'size' for mount type 'bind'");
  EXPECT_EQ(err("FROM a\nRUN --mount=target=/x,sharing=locked true\n"),
            "line 2: invalid cache sharing set for bind mount");
  EXPECT_EQ(err("FROM a\nRUN --mount=type=secret true\n"),
            "line 2: invalid secret mount. one of source, target required");
  EXPECT_EQ(err("FROM a\nRUN --mount=target=/x,foo true\n"),
            "line 2: invalid field 'foo' must be a key=value pair");
  EXPECT_EQ(err("FROM a\nRUN --mount=type=cache,target=/x,mode=9 true\n"), "line 2: invalid value 9 for mode");
  EXPECT_EQ(err("FROM a\nRUN --network=bridge true\n"), "line 2: unsupported network mode \"bridge\"");
  EXPECT_EQ(err("FROM a\nRUN --security=x true\n"), "line 2: security \"x\" is not valid");
  EXPECT_EQ(err("FROM a\nRUN --chown=1 true\n"), "line 2: unknown flag: chown");
}

TEST(Instructions, CmdEntrypointShell) {
  auto cmd = first<CmdCommand>("CMD [\"a\", \"b\"]\n");
  EXPECT_EQ(cmd.args, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(cmd.prepend_shell);
  auto ep = first<EntrypointCommand>("ENTRYPOINT exec  me\n");
  EXPECT_EQ(ep.args, (std::vector<std::string>{"exec  me"}));
  EXPECT_TRUE(ep.prepend_shell);
  EXPECT_TRUE(first<CmdCommand>("CMD\n").args.empty());
  auto sh = first<ShellCommand>("SHELL [\"/bin/bash\", \"-c\"]\n");
  EXPECT_EQ(sh.shell, (std::vector<std::string>{"/bin/bash", "-c"}));
  EXPECT_EQ(err("FROM a\nSHELL /bin/sh -c\n"), "line 2: SHELL requires the arguments to be in JSON form");
  EXPECT_EQ(err("FROM a\nSHELL []\n"), "line 2: SHELL requires at least one argument");
  EXPECT_EQ(err("FROM a\nCMD --x=1 a\n"), "line 2: unknown flag: x");
}

TEST(Instructions, EnvLabel) {
  auto env = first<EnvCommand>("ENV A=1 B=\"two words\"\n");
  ASSERT_EQ(env.env.size(), 2u);
  EXPECT_EQ(env.env[0].key, "A");
  EXPECT_EQ(env.env[0].value, "1");
  EXPECT_EQ(env.env[1].value, "\"two words\"");  // kept as written; expanded later
  auto legacy = first<EnvCommand>("ENV PATH /a b\n");
  EXPECT_EQ(legacy.env.at(0).value, "/a b");
  auto label = first<LabelCommand>("LABEL a=b c=d\n");
  EXPECT_EQ(label.labels.size(), 2u);
  EXPECT_EQ(err("FROM a\nENV\n"), "line 2: ENV requires at least one argument");
  EXPECT_EQ(err("FROM a\nENV PATH\n"), "line 2: ENV must have two arguments");
  EXPECT_EQ(err("FROM a\nENV =x\n"), "line 2: ENV names can not be blank");
  EXPECT_EQ(err("FROM a\nLABEL a=b c\n"),
            "line 2: Syntax error - can't find = in \"c\". Must be of the form: name=value");
}

TEST(Instructions, ArgMaintainer) {
  auto arg = first<ArgCommand>("ARG a b=c d=\n");
  ASSERT_EQ(arg.args.size(), 3u);
  EXPECT_FALSE(arg.args[0].value);
  EXPECT_EQ(arg.args[1].value, "c");
  EXPECT_EQ(arg.args[2].value, "");
  EXPECT_EQ(err("FROM a\nARG\n"), "line 2: ARG requires at least one argument");
  EXPECT_EQ(err("FROM a\nARG =x\n"), "line 2: ARG names can not be blank");
  EXPECT_EQ(first<MaintainerCommand>("MAINTAINER me <me@x>\n").maintainer, "me <me@x>");
  EXPECT_EQ(err("FROM a\nMAINTAINER\n"), "line 2: MAINTAINER requires exactly one argument");
}

TEST(Instructions, Copy) {
  auto c = first<CopyCommand>(
      "COPY --from=build --chown=1:2 --chmod=644 --link --parents --exclude=*.o --exclude=*.a a b /dst/\n");
  EXPECT_FALSE(c.is_add);
  EXPECT_EQ(c.sources, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.dest, "/dst/");
  EXPECT_EQ(c.from, "build");
  EXPECT_EQ(c.chown, "1:2");
  EXPECT_EQ(c.chmod, "644");
  EXPECT_TRUE(c.link);
  EXPECT_TRUE(c.parents);
  EXPECT_EQ(c.excludes, (std::vector<std::string>{"*.o", "*.a"}));
  auto j = first<CopyCommand>("COPY [\"a b\", \"/d\"]\n");
  EXPECT_EQ(j.sources, (std::vector<std::string>{"a b"}));
  EXPECT_EQ(err("FROM a\nCOPY a\n"),
            "line 2: COPY requires at least two arguments, but only one was provided. Destination could not be "
            "determined.");
  EXPECT_EQ(err("FROM a\nCOPY --checksum=x a b\n"), "line 2: unknown flag: checksum");
  EXPECT_EQ(err("FROM a\nCOPY --link=maybe a b\n"), "line 2: expecting boolean value for flag link, not: maybe");
}

TEST(Instructions, CopyHeredoc) {
  auto c = first<CopyCommand>("COPY <<EOF <<'B' x /dest\nhello\nEOF\n$b\nB\n");
  ASSERT_EQ(c.source_heredocs.size(), 2u);
  EXPECT_EQ(c.source_heredocs[0].name, "EOF");
  EXPECT_EQ(c.source_heredocs[0].content, "hello\n");
  EXPECT_TRUE(c.source_heredocs[0].expand);
  EXPECT_EQ(c.source_heredocs[1].name, "B");
  EXPECT_FALSE(c.source_heredocs[1].expand);
  EXPECT_EQ(c.sources, (std::vector<std::string>{"x"}));
  EXPECT_EQ(c.dest, "/dest");
  EXPECT_EQ(err("FROM a\nCOPY a <<EOF\nx\nEOF\n"), "line 2: COPY cannot accept a heredoc as a destination");
}

TEST(Instructions, Add) {
  auto a = first<CopyCommand>(
      "ADD --chown=u --chmod=600 --checksum=sha256:abc --keep-git-dir --link --exclude=x --unpack=false "
      "https://x/y.tgz /d\n");
  EXPECT_TRUE(a.is_add);
  EXPECT_EQ(a.checksum, "sha256:abc");
  EXPECT_TRUE(a.keep_git_dir);
  EXPECT_TRUE(a.link);
  EXPECT_EQ(a.unpack, false);
  EXPECT_EQ(a.excludes, (std::vector<std::string>{"x"}));
  EXPECT_FALSE(first<CopyCommand>("ADD a b\n").unpack);
  EXPECT_EQ(err("FROM a\nADD --from=x a b\n"), "line 2: unknown flag: from");
  EXPECT_NE(err("FROM a\nADD a\n").find("ADD requires at least two arguments"), std::string::npos);
}

TEST(Instructions, SimpleOnes) {
  EXPECT_EQ(first<ExposeCommand>("EXPOSE 8080 443/tcp 80\n").ports,
            (std::vector<std::string>{"443/tcp", "80", "8080"}));
  EXPECT_EQ(first<VolumeCommand>("VOLUME [\"/a\", \"/b\"]\n").volumes, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(first<VolumeCommand>("VOLUME /a /b\n").volumes, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(first<UserCommand>("USER 1000:1000\n").user, "1000:1000");
  EXPECT_EQ(first<WorkdirCommand>("WORKDIR /app\n").path, "/app");
  EXPECT_EQ(first<StopSignalCommand>("STOPSIGNAL SIGTERM\n").signal, "SIGTERM");
  EXPECT_EQ(err("FROM a\nEXPOSE\n"), "line 2: EXPOSE requires at least one argument");
  EXPECT_EQ(err("FROM a\nVOLUME\n"), "line 2: VOLUME requires at least one argument");
  EXPECT_EQ(err("FROM a\nVOLUME [\"\"]\n"), "line 2: VOLUME specified can not be an empty string");
  EXPECT_EQ(err("FROM a\nUSER\n"), "line 2: USER requires exactly one argument");
  EXPECT_EQ(err("FROM a\nWORKDIR\n"), "line 2: WORKDIR requires exactly one argument");
  EXPECT_EQ(err("FROM a\nSTOPSIGNAL\n"), "line 2: STOPSIGNAL requires exactly one argument");
  EXPECT_EQ(err("FROM a\nUSER --x=1 a\n"), "line 2: unknown flag: x");
}

TEST(Instructions, Healthcheck) {
  auto none = first<HealthcheckCommand>("HEALTHCHECK NONE\n");
  EXPECT_EQ(none.test, (std::vector<std::string>{"NONE"}));
  auto shell = first<HealthcheckCommand>(
      "HEALTHCHECK --interval=5s --timeout=1m30s --start-period=100ms --start-interval=2s --retries=3 CMD curl -f x\n");
  EXPECT_EQ(shell.test, (std::vector<std::string>{"CMD-SHELL", "curl -f x"}));
  EXPECT_EQ(shell.interval_ns, 5'000'000'000);
  EXPECT_EQ(shell.timeout_ns, 90'000'000'000);
  EXPECT_EQ(shell.start_period_ns, 100'000'000);
  EXPECT_EQ(shell.start_interval_ns, 2'000'000'000);
  EXPECT_EQ(shell.retries, 3);
  auto exec = first<HealthcheckCommand>("HEALTHCHECK CMD [\"curl\", \"-f\"]\n");
  EXPECT_EQ(exec.test, (std::vector<std::string>{"CMD", "curl", "-f"}));
  EXPECT_EQ(exec.interval_ns, 0);
  EXPECT_EQ(err("FROM a\nHEALTHCHECK\n"), "line 2: HEALTHCHECK requires at least one argument");
  EXPECT_EQ(err("FROM a\nHEALTHCHECK NONE x\n"), "line 2: HEALTHCHECK NONE takes no arguments");
  EXPECT_EQ(err("FROM a\nHEALTHCHECK CMD\n"), "line 2: Missing command after HEALTHCHECK CMD");
  EXPECT_EQ(err("FROM a\nHEALTHCHECK CONNECT TCP 7000\n"),
            "line 2: Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)");
  EXPECT_EQ(err("FROM a\nHEALTHCHECK --interval=1us CMD x\n"),
            "line 2: Interval \"interval\" cannot be less than 1ms");
  EXPECT_EQ(err("FROM a\nHEALTHCHECK --retries=-1 CMD x\n"), "line 2: --retries cannot be negative (-1)");
  EXPECT_NE(err("FROM a\nHEALTHCHECK --timeout=5 CMD x\n").find("line 2: time: missing unit"), std::string::npos);
  EXPECT_EQ(err("FROM a\nHEALTHCHECK --bogus=1 CMD x\n"), "line 2: unknown flag: bogus");
}

TEST(Instructions, Onbuild) {
  auto o = first<OnbuildCommand>("ONBUILD RUN echo hi\n");
  EXPECT_EQ(o.expression, "RUN echo hi");
  auto h = first<OnbuildCommand>("onbuild RUN <<EOF\necho hi\nEOF\n");
  EXPECT_EQ(h.expression, "RUN <<EOF\necho hi\nEOF");
  EXPECT_EQ(err("FROM a\nONBUILD ONBUILD RUN x\n"), "line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  EXPECT_EQ(err("FROM a\nONBUILD FROM x\n"), "line 2: FROM isn't allowed as an ONBUILD trigger");
  EXPECT_EQ(err("FROM a\nONBUILD MAINTAINER x\n"), "line 2: MAINTAINER isn't allowed as an ONBUILD trigger");
  EXPECT_EQ(err("FROM a\nONBUILD\n"), "line 2: ONBUILD requires at least one argument");
}

TEST(Instructions, OnbuildExpression) {
  auto r = parse_onbuild_expression("RUN <<EOF\necho hi\nEOF", '\\');
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->keyword, "RUN");
  auto* run = std::get_if<RunCommand>(&r->command);
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->heredocs.at(0).content, "echo hi\n");
  auto c = parse_onbuild_expression("COPY --from=x a b", '\\');
  ASSERT_TRUE(c);
  EXPECT_EQ(std::get<CopyCommand>(c->command).from, "x");
  EXPECT_FALSE(parse_onbuild_expression("FROM x", '\\'));
  EXPECT_FALSE(parse_onbuild_expression("ONBUILD RUN x", '\\'));
  EXPECT_FALSE(parse_onbuild_expression("FOO x", '\\'));
}

TEST(Instructions, DirectivesAndWarnings) {
  Dockerfile df = ok("# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN a `\n\n b\n");
  EXPECT_EQ(df.syntax, "docker/dockerfile:1");
  EXPECT_EQ(df.escape, '`');
  EXPECT_EQ(df.warnings.size(), 1u);
}

}  // namespace
}  // namespace hako::build
