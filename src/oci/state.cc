#include "oci/state.h"

namespace hako::oci {

Json State::to_json() const {
  Json j = {{"ociVersion", oci_version}, {"id", id}, {"status", status}, {"pid", pid}, {"bundle", bundle}};
  if (!annotations.empty()) j["annotations"] = annotations;
  return j;
}

}  // namespace hako::oci
