// decode_entry, apart from the encoder so that the monitor, which only
// writes, does not link the JSON parser.
#include "engine/logs/log_format.h"

#include "base/json.h"

namespace hako::engine::logs {

bool decode_entry(std::string_view line, DecodedEntry& out) {
  Json j = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return false;
  auto time = j.find("time");
  if (time == j.end() || !time->is_string()) return false;
  auto t = parse_rfc3339_nano(time->get_ref<const std::string&>());
  if (!t) return false;
  auto stream = j.find("stream");
  if (stream == j.end() || !stream->is_string()) return false;
  const auto& name = stream->get_ref<const std::string&>();
  if (name == "stdout") {
    out.stream = Stream::Stdout;
  } else if (name == "stderr") {
    out.stream = Stream::Stderr;
  } else {
    return false;
  }
  auto log = j.find("log");
  if (log == j.end()) {
    out.text.clear();
  } else if (log->is_string()) {
    out.text = std::move(log->get_ref<std::string&>());
  } else {
    return false;
  }
  out.time = *t;
  return true;
}

}  // namespace hako::engine::logs
