// Where a monitor puts the container's output: the json-file log (rotated
// as --log-opt says), or nowhere for --log-driver none.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "engine/container_files.h"
#include "engine/logs/log_writer.h"

namespace hako::engine {

class OutputLog {
 public:
  OutputLog() = default;
  static Result<OutputLog> open(const std::string& path, const ContainerConfig& config);
  void write(std::string_view stream, std::string_view data);
  void flush();

 private:
  std::optional<logs::JsonFileWriter> writer_;
};

}  // namespace hako::engine
