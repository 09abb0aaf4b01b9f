// Dockerfile instructions applied to an image config, for `import --change`
// and `commit --change` ("CMD ["sh"]", "ENV A=1 B=2", "EXPOSE 80/udp").
//
// The instructions Docker accepts there: CMD, ENTRYPOINT, ENV, EXPOSE,
// LABEL, ONBUILD, USER, VOLUME, WORKDIR, plus STOPSIGNAL. Anything else is
// InvalidArgument naming the instruction, as Docker refuses it.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "oci/image_spec.h"

namespace hako::image {

Result<> apply_change(oci::ContainerConfig& config, std::string_view change);

}  // namespace hako::image
