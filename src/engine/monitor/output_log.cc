#include "engine/monitor/output_log.h"

#include "engine/logs/log_format.h"

namespace hako::engine {

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
  if (writer_)
    (void)writer_->write(stream == "stderr" ? logs::Stream::Stderr : logs::Stream::Stdout, data,
                         logs::now_unix_nanos());
}

void OutputLog::flush() {
  if (writer_) (void)writer_->flush(logs::now_unix_nanos());
}

}  // namespace hako::engine
