// hako's nftables table, written from the state database: every bridge
// network and every published port. Commands that change either call this
// afterwards; a lock file orders them, so the last table written is always
// made from the latest state, never from an older snapshot.
#pragma once

#include <string>

#include "base/error.h"
#include "network/network_store.h"

namespace hako::network {

Result<> sync_firewall(NetworkStore& nets, const std::string& engine_root);

}  // namespace hako::network
