// What a template expression evaluates to: a JSON value, or "missing" (Go's
// invalid reflect.Value: a map key that is not there, printed "<no value>").
// Internal to the format library.
#pragma once

#include <memory>
#include <string>

#include "base/json.h"

namespace hako::cli::format {

class Value {
 public:
  Value() = default;  // missing

  // Refers to `j` without owning it; `j` must outlive every copy.
  static Value borrowed(const Json& j) { return Value(std::shared_ptr<const Json>(std::shared_ptr<const Json>(), &j)); }
  static Value owned(Json j) { return Value(std::make_shared<const Json>(std::move(j))); }

  // A part of this value (array element, object member) that keeps this value alive.
  Value child(const Json& part) const { return Value(std::shared_ptr<const Json>(ptr_, &part)); }

  bool missing() const { return ptr_ == nullptr; }
  // The JSON value; null when missing.
  const Json& json() const;

 private:
  explicit Value(std::shared_ptr<const Json> p) : ptr_(std::move(p)) {}
  std::shared_ptr<const Json> ptr_;
};

// Go's truth: false, 0, "", null, missing, empty array and empty object are false.
bool is_true(const Value& v);

}  // namespace hako::cli::format
