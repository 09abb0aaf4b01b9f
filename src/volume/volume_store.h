// Volumes in the state database (store/metadata.h, schema version 4), and
// their data directories ROOT/volumes/NAME/_data, as Docker's local driver
// lays them out.
//
// create is idempotent as Docker's is: an existing name returns the record
// as it is (its labels are not changed), unless a different driver or
// different, non-empty options are asked for.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "store/metadata.h"

namespace hako::volume {

struct VolumeRecord {
  std::string name, created, driver = "local";
  std::map<std::string, std::string> options, labels;
  bool anonymous = false;
  bool operator==(const VolumeRecord&) const = default;
};

class VolumeStore {
 public:
  VolumeStore(store::Metadata& db, std::string engine_root) : db_(db), root_(std::move(engine_root)) {}

  // name "" makes an anonymous volume (64 random hex digits, labelled
  // com.docker.volume.anonymous as Docker does). Fills in `created`.
  Result<VolumeRecord> create(VolumeRecord v);
  // NotFound "get NAME: no such volume", Docker's message.
  Result<VolumeRecord> get(std::string_view name);
  Result<std::vector<VolumeRecord>> list();  // by name
  // The row and ROOT/volumes/NAME. Whether a container uses it is the
  // caller's to check.
  Result<> remove(std::string_view name);
  std::string data_dir(std::string_view name) const;  // ROOT/volumes/NAME/_data
  // The local driver's -o type=... device=... o=...: the data directory is
  // that mount, made when a container first uses the volume (and undone by
  // remove). Nothing for a plain volume.
  Result<> mount_options(const VolumeRecord& v);
  Result<> unmount_options(std::string_view name);

 private:
  std::string volume_dir(std::string_view name) const;

  store::Metadata& db_;
  std::string root_;
};

// The local driver's options as Docker's validateOpts checks them: only type,
// device, o and size; device and type need each other, o needs both; size
// (a quota) is refused, there is no quota support. type=none with o=bind
// (or rbind) needs device to be an existing directory.
Result<> validate_local_options(const std::map<std::string, std::string>& opts);

}  // namespace hako::volume
