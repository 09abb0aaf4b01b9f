// Building netlink requests and reading their attributes.
//
// A request is one nlmsghdr, a family header (ifinfomsg, ifaddrmsg, rtmsg)
// and attributes, some nested. It is kept as bytes and nested attributes
// are remembered by offset, not pointer, because appending may move the
// buffer. Every part is padded to 4 bytes (NLMSG_ALIGN == RTA_ALIGN).
#pragma once

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace hako::network::nl {

class Message {
 public:
  Message(uint16_t type, uint16_t flags) : buf_(NLMSG_HDRLEN) {
    header()->nlmsg_len = NLMSG_HDRLEN;
    header()->nlmsg_type = type;
    header()->nlmsg_flags = flags;
  }

  // A fixed struct: the family header, or the ifinfomsg of a veth peer.
  template <typename T>
  void put(const T& value) { append(&value, sizeof value, sizeof value); }

  void attr(uint16_t type, const void* data, size_t len) {
    rtattr a{static_cast<unsigned short>(RTA_LENGTH(len)), type};
    append(&a, sizeof a, sizeof a);
    append(data, len, len);
  }
  void attr_u32(uint16_t type, uint32_t value) { attr(type, &value, sizeof value); }
  // Names go NUL-terminated (the kernel's NLA_STRING accepts both, ip does this).
  void attr_str(uint16_t type, std::string_view s) {
    rtattr a{static_cast<unsigned short>(RTA_LENGTH(s.size() + 1)), type};
    append(&a, sizeof a, sizeof a);
    append(s.data(), s.size(), s.size() + 1);
  }

  // begin_nested returns the attribute's offset; end_nested sets its
  // length to cover everything appended since.
  size_t begin_nested(uint16_t type) {
    size_t at = buf_.size();
    attr(type, nullptr, 0);
    return at;
  }
  void end_nested(size_t at) {
    reinterpret_cast<rtattr*>(buf_.data() + at)->rta_len = static_cast<unsigned short>(buf_.size() - at);
  }

  nlmsghdr* header() { return reinterpret_cast<nlmsghdr*>(buf_.data()); }
  const char* data() const { return buf_.data(); }
  size_t size() const { return buf_.size(); }

 private:
  // Copies `copy` bytes and zero-pads to the aligned `len`.
  void append(const void* p, size_t copy, size_t len) {
    size_t at = buf_.size();
    buf_.resize(at + NLMSG_ALIGN(len), 0);
    if (copy) std::memcpy(buf_.data() + at, p, copy);
    header()->nlmsg_len = static_cast<uint32_t>(buf_.size());
  }

  std::vector<char> buf_;
};

// The attributes in [first, first + len) by type, the last one of a type
// winning; types above Max (newer kernels) are ignored.
template <size_t Max>
std::array<const rtattr*, Max + 1> parse_attrs(const rtattr* first, int len) {
  std::array<const rtattr*, Max + 1> table{};
  for (const rtattr* a = first; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    unsigned type = a->rta_type & NLA_TYPE_MASK;  // drop NLA_F_NESTED and friends
    if (type <= Max) table[type] = a;
  }
  return table;
}

template <size_t Max>
std::array<const rtattr*, Max + 1> parse_nested(const rtattr* parent) {
  return parse_attrs<Max>(static_cast<const rtattr*>(RTA_DATA(parent)), static_cast<int>(RTA_PAYLOAD(parent)));
}

inline std::string_view attr_str(const rtattr* a) {
  auto* p = static_cast<const char*>(RTA_DATA(a));
  return std::string_view(p, strnlen(p, RTA_PAYLOAD(a)));
}

inline uint32_t attr_u32(const rtattr* a) {
  uint32_t v = 0;
  if (RTA_PAYLOAD(a) >= sizeof v) std::memcpy(&v, RTA_DATA(a), sizeof v);
  return v;
}

}  // namespace hako::network::nl
