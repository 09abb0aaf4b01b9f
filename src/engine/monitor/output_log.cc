#include "engine/monitor/output_log.h"

#include <time.h>

namespace hako::engine {
namespace {

int64_t unix_nanos() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

Result<OutputLog> OutputLog::open(const std::string& path, const ContainerConfig& config) {
  OutputLog log;
  if (config.log_driver == "none") return log;
  logs::WriterOptions o;
  o.max_size = config.log_max_size;
  o.max_file = config.log_max_file;
  TRY_ASSIGN(auto w, logs::JsonFileWriter::open(path, o));
  log.writer_.emplace(std::move(w));
  return log;
}

void OutputLog::write(std::string_view stream, std::string_view data) {
  // A full disk loses log lines, never the container.
  if (writer_) (void)writer_->write(stream == "stderr" ? logs::Stream::Stderr : logs::Stream::Stdout, data, unix_nanos());
}

void OutputLog::flush() {
  if (writer_) (void)writer_->flush(unix_nanos());
}

}  // namespace hako::engine
