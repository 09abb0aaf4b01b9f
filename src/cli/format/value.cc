#include "cli/format/value.h"

namespace hako::cli::format {

const Json& Value::json() const {
  static const Json null_value;
  return ptr_ ? *ptr_ : null_value;
}

bool is_true(const Value& v) {
  const Json& j = v.json();
  switch (j.type()) {
    case Json::value_t::boolean: return j.get<bool>();
    case Json::value_t::number_integer: return j.get<int64_t>() != 0;
    case Json::value_t::number_unsigned: return j.get<uint64_t>() != 0;
    case Json::value_t::number_float: return j.get<double>() != 0;
    case Json::value_t::string: return !j.get_ref<const std::string&>().empty();
    case Json::value_t::array:
    case Json::value_t::object: return !j.empty();
    default: return false;
  }
}

}  // namespace hako::cli::format
