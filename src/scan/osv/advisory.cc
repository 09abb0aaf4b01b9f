// OSV document parsing (see advisory.h for the severity derivation).
#include "scan/osv/advisory.h"

#include "base/clock.h"

namespace hako::scan::osv {

namespace {

template <typename T>
Result<T> prefixed(Result<T> r, std::string_view what) {
  if (!r) return std::unexpected(r.error().context(what));
  return r;
}

// The label at obj.<key> when it is a string naming a level; a non-string
// value is not an error (ecosystem_specific is free-form).
std::optional<Severity> label_at(const JsonObject& obj, const char* key) {
  const Json* v = obj.raw(key);
  if (!v || !v->is_string()) return std::nullopt;
  return severity_from_label(v->get_ref<const std::string&>());
}

// Step 2 of the severity derivation for one affected entry.
std::optional<Severity> affected_label(const JsonObject& affected) {
  for (const char* container : {"ecosystem_specific", "database_specific"}) {
    const Json* v = affected.raw(container);
    if (!v || !v->is_object()) continue;
    auto obj = JsonObject::of(*v, "");
    for (const char* key : {"urgency", "severity"})
      if (auto s = label_at(*obj, key)) return s;
  }
  return std::nullopt;
}

// severity[] of the advisory or of one affected entry: CVSS vectors are
// collected; an "Ubuntu" entry's label is returned through `label`.
Result<> read_severity_array(const JsonObject& obj, std::vector<std::string>& vectors,
                             std::optional<Severity>& label) {
  TRY_ASSIGN(auto entries, obj.objects("severity"));
  for (const JsonObject& e : entries) {
    TRY_ASSIGN(std::string type, e.string("type"));
    TRY_ASSIGN(std::string score, e.string("score"));
    if (type == "CVSS_V3" || type == "CVSS_V4" || type == "CVSS_V2")
      vectors.push_back(std::move(score));
    else if (type == "Ubuntu" && !label)
      label = severity_from_label(score);
  }
  return {};
}

Result<Affected> parse_affected(const JsonObject& obj, std::vector<std::string>& vectors,
                                std::optional<Severity>& ubuntu_label) {
  Affected out;
  TRY_ASSIGN(auto package, obj.opt_object("package"));
  if (package) {
    TRY_ASSIGN(out.ecosystem, package->string("ecosystem"));
    TRY_ASSIGN(auto name, package->opt_string("name"));
    TRY_ASSIGN(auto purl, package->opt_string("purl"));
    out.name = name.value_or("");
    out.purl = purl.value_or("");
  }
  if (const Json* ranges = obj.raw("ranges")) {
    TRY_ASSIGN(out.ranges, parse_ranges(*ranges, obj.child_path("ranges")));
  }
  TRY_ASSIGN(out.versions, obj.strings("versions"));
  for (size_t i = 0; i < out.versions.size(); ++i)
    if (out.versions[i].empty())
      return fail(ErrorKind::InvalidArgument, "{}[{}]: empty version", obj.child_path("versions"), i);
  out.severity = affected_label(obj);
  TRY(read_severity_array(obj, vectors, ubuntu_label));
  return out;
}

}  // namespace

Result<std::vector<Range>> parse_ranges(const Json& ranges, const std::string& path) {
  std::vector<Range> out;
  if (!ranges.is_array())
    return fail(ErrorKind::InvalidArgument, "{}: expected an array, got {}", path, ranges.type_name());
  for (size_t i = 0; i < ranges.size(); ++i) {
    TRY_ASSIGN(JsonObject r, JsonObject::of(ranges[i], fmt::format("{}[{}]", path, i)));
    TRY_ASSIGN(std::string type, r.string("type"));
    Range range;
    if (type == "SEMVER") range.type = Range::Type::Semver;
    else if (type == "ECOSYSTEM") range.type = Range::Type::Ecosystem;
    else if (type == "GIT") range.type = Range::Type::Git;
    else continue;  // a future range type we cannot evaluate
    TRY_ASSIGN(auto events, r.objects("events"));
    if (events.empty())
      return fail(ErrorKind::InvalidArgument, "{}: a range needs at least one event", r.child_path("events"));
    for (const JsonObject& e : events) {
      static constexpr std::pair<const char*, Event::Kind> kinds[] = {
          {"introduced", Event::Kind::Introduced},
          {"fixed", Event::Kind::Fixed},
          {"last_affected", Event::Kind::LastAffected},
          {"limit", Event::Kind::Limit},
      };
      std::optional<Event> event;
      for (const auto& [key, kind] : kinds) {
        TRY_ASSIGN(auto v, e.opt_string(key));
        if (!v) continue;
        if (event)
          return fail(ErrorKind::InvalidArgument, "{}: an event has exactly one of introduced, fixed, "
                      "last_affected, limit", e.path());
        if (v->empty()) return fail(ErrorKind::InvalidArgument, "{}: empty version", e.child_path(key));
        event = Event{kind, std::move(*v)};
      }
      if (!event)
        return fail(ErrorKind::InvalidArgument, "{}: event has none of introduced, fixed, last_affected, limit",
                    e.path());
      range.events.push_back(std::move(*event));
    }
    out.push_back(std::move(range));
  }
  return out;
}

Json ranges_to_json(const std::vector<Range>& ranges) {
  Json out = Json::array();
  for (const Range& r : ranges) {
    Json events = Json::array();
    for (const Event& e : r.events) {
      const char* key = e.kind == Event::Kind::Introduced ? "introduced"
                        : e.kind == Event::Kind::Fixed    ? "fixed"
                        : e.kind == Event::Kind::LastAffected ? "last_affected"
                                                              : "limit";
      events.push_back(Json{{key, e.version}});
    }
    const char* type = r.type == Range::Type::Semver ? "SEMVER" : r.type == Range::Type::Git ? "GIT" : "ECOSYSTEM";
    out.push_back(Json{{"type", type}, {"events", std::move(events)}});
  }
  return out;
}

Result<Advisory> parse_advisory(const Json& doc, std::string_view what) {
  auto body = [&]() -> Result<Advisory> {
    Advisory a;
    TRY_ASSIGN(JsonObject obj, JsonObject::of(doc, ""));
    TRY_ASSIGN(a.id, obj.string("id"));
    if (a.id.empty()) return fail(ErrorKind::InvalidArgument, "id: must not be empty");
    TRY_ASSIGN(a.modified, obj.string("modified"));
    if (!timestamp_key(a.modified))
      return fail(ErrorKind::InvalidArgument, "modified: {:?} is not an RFC 3339 time", a.modified);
    TRY_ASSIGN(auto published, obj.opt_string("published"));
    TRY_ASSIGN(auto withdrawn, obj.opt_string("withdrawn"));
    TRY_ASSIGN(auto summary, obj.opt_string("summary"));
    TRY_ASSIGN(auto details, obj.opt_string("details"));
    a.published = published.value_or("");
    a.withdrawn = withdrawn.value_or("");
    a.summary = summary.value_or("");
    a.details = details.value_or("");
    TRY_ASSIGN(a.aliases, obj.strings("aliases"));

    std::optional<Severity> label;
    if (auto db = obj.raw("database_specific"); db && db->is_object())
      label = label_at(*JsonObject::of(*db, ""), "severity");
    std::optional<Severity> ubuntu_label;
    TRY(read_severity_array(obj, a.cvss_vectors, ubuntu_label));
    TRY_ASSIGN(auto affected, obj.objects("affected"));
    for (const JsonObject& entry : affected) {
      TRY_ASSIGN(Affected parsed, parse_affected(entry, a.cvss_vectors, ubuntu_label));
      if (!label) label = parsed.severity;
      a.affected.push_back(std::move(parsed));
    }
    if (!label) {
      // The first CVSS 3 vector that scores; a malformed one is skipped
      // rather than failing the advisory (the vector is informational).
      for (const std::string& v : a.cvss_vectors) {
        if (!v.starts_with("CVSS:3")) continue;
        if (auto score = cvss3_base_score(v)) {
          label = severity_for_score(*score);
          break;
        }
      }
    }
    if (!label) label = ubuntu_label;
    a.severity = label.value_or(Severity::Unknown);
    return a;
  };
  return prefixed(body(), what);
}

Result<Advisory> parse_advisory_text(std::string_view text, std::string_view what) {
  TRY_ASSIGN(Json doc, parse_json(text, what));
  return parse_advisory(doc, what);
}

std::optional<std::pair<int64_t, int32_t>> timestamp_key(std::string_view text) {
  std::optional<int64_t> seconds = parse_rfc3339(text);
  if (!seconds) return std::nullopt;
  // parse_rfc3339 ignores the fraction; read up to nine digits of it here.
  int32_t nanos = 0;
  if (text.size() > 19 && text[19] == '.') {
    int32_t scale = 100000000;
    for (size_t i = 20; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, scale /= 10)
      if (scale > 0) nanos += (text[i] - '0') * scale;
  }
  return std::pair{*seconds, nanos};
}

}  // namespace hako::scan::osv
