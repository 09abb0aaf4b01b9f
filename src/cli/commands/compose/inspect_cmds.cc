// The subcommands that look into a project's running containers: `compose
// top`, `images`, `port` and `events`. Each works through the plain
// commands (top, port, events) on the project's containers.
#include <algorithm>
#include <cstdio>

#include "base/strings.h"
#include "cli/commands/compose/compose_internal.h"
#include "cli/units.h"
#include "image/reference.h"

namespace hako::cli::compose_cli {

Result<int> top_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load_or_name(g));
  TRY(check_services(l.project.model, p.args()));
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto all, members(*eng, l.project.name));
  bool first = true;
  for (const auto& m : select(all, l.project.model, p.args(), false)) {
    if (!m.info.active()) continue;
    std::printf("%s%s\n", first ? "" : "\n", m.info.config.name.c_str());
    std::fflush(stdout);
    first = false;
    TRY_ASSIGN(int rc, invoke_command(ctx, {"top", m.info.record.id}));
    if (rc != 0) return rc;
  }
  return 0;
}

Result<int> images_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load_or_name(g));
  TRY(check_services(l.project.model, p.args()));
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto all, members(*eng, l.project.name));
  auto ms = select(all, l.project.model, p.args(), false);
  if (p.boolean("quiet")) {
    std::set<std::string> seen;
    for (const auto& m : ms) {
      if (seen.insert(m.info.record.image_id).second) std::printf("%s\n", m.info.record.image_id.c_str());
    }
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {{"CONTAINER", "REPOSITORY", "TAG", "IMAGE ID", "SIZE"}};
  Json arr = Json::array();
  for (const auto& m : ms) {
    std::string repo = m.info.config.image, tag = "latest";
    if (auto ref = image::parse_reference(m.info.config.image)) {
      repo = ref->familiar();
      tag = ref->tag.empty() ? "<none>" : ref->tag;
    }
    std::string id = m.info.record.image_id;
    if (id.starts_with("sha256:")) id = id.substr(7);
    std::string size = "-";
    int64_t bytes = 0;
    if (auto rec = eng->images().find(m.info.record.image_id)) {
      if (auto sz = eng->images().image_size(*rec)) {
        bytes = *sz;
        size = human_size(static_cast<double>(bytes));
      }
    }
    rows.push_back({m.info.config.name, repo, tag, id.substr(0, 12), size});
    arr.push_back({{"ContainerName", m.info.config.name}, {"Repository", repo}, {"Tag", tag},
                   {"ID", m.info.record.image_id}, {"Size", bytes}});
  }
  if (p.str("format") == "json") {
    std::printf("%s\n", arr.dump().c_str());
    return 0;
  }
  std::vector<size_t> w(rows[0].size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      std::string cell = r[i];
      if (i + 1 < r.size()) cell.resize(w[i] + 3, ' ');
      line += cell;
    }
    std::printf("%s\n", line.c_str());
  }
  return 0;
}

// compose port SERVICE PRIVATE_PORT: the host address the port is published
// on, for the service's container number --index (1 by default).
Result<int> port_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  if (p.args().size() != 2) {
    return fail(ErrorKind::InvalidArgument, "\"hako compose port\" requires exactly 2 arguments: SERVICE PRIVATE_PORT");
  }
  TRY_ASSIGN(auto l, load_or_name(g));
  const std::string& service = p.args()[0];
  TRY(check_services(l.project.model, {service}));
  std::string proto = p.str("protocol").empty() ? "tcp" : p.str("protocol");
  if (proto != "tcp" && proto != "udp") return fail(ErrorKind::InvalidArgument, "invalid protocol \"{}\"", proto);
  long long index = 1;
  if (p.set("index")) {
    TRY_ASSIGN(index, p.integer("index"));
  }
  TRY_ASSIGN(auto eng, ctx.engine());
  TRY_ASSIGN(auto all, members(*eng, l.project.name));
  for (const auto& m : all) {
    if (m.service != service || m.number != index) continue;
    return invoke_command(ctx, {"port", m.info.record.id, p.args()[1] + "/" + proto});
  }
  return fail(ErrorKind::NotFound, "service \"{}\" is not running container #{}", service, index);
}

// compose events: the engine's container events of this project (of the
// named services' containers), followed until interrupted.
Result<int> events_cmd(Context& ctx, const ParsedFlags& g, const ParsedFlags& p) {
  TRY_ASSIGN(auto l, load_or_name(g));
  TRY(check_services(l.project.model, p.args()));
  std::vector<std::string> words = {"events", "--filter", "type=container", "--filter",
                                    std::string(kProject) + "=" + l.project.name};
  words[4] = "label=" + words[4];
  if (!p.args().empty()) {
    TRY_ASSIGN(auto eng, ctx.engine());
    TRY_ASSIGN(auto all, members(*eng, l.project.name));
    for (const auto& m : select(all, l.project.model, p.args(), false)) {
      words.push_back("--filter");
      words.push_back("container=" + m.info.config.name);
    }
  }
  if (p.boolean("json")) {
    words.push_back("--format");
    words.push_back("{{json .}}");
  }
  return invoke_command(ctx, words);
}

}  // namespace hako::cli::compose_cli
