// A validator for the subset of JSON Schema (draft 7) that compose-spec.json
// uses: type, properties, additionalProperties, patternProperties, required,
// enum, items, oneOf/anyOf, $ref to #/definitions, pattern, minimum/maximum,
// uniqueItems. `format` and annotations are ignored.
#pragma once

#include <string>
#include <vector>

#include "base/json.h"

namespace hako::compose {

struct SchemaError {
  std::string path;     // "services.web.portz" ("" for the root)
  std::string message;  // "additional property not allowed"
};

// All violations found (the first few per level; oneOf reports the branch
// that fits the value's type best).
std::vector<SchemaError> validate_schema(const Json& schema, const Json& value);

// The embedded compose-spec.json.
const Json& compose_schema();

}  // namespace hako::compose
