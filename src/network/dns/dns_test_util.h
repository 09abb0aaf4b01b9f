// Hand-made DNS packets for the tests: queries, upstream-style answers, and a
// reader of responses (independent of build_response, so round trips check
// the wire, not the builder against itself).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "network/address.h"
#include "network/dns/dns_message.h"

namespace hako::network::dns::test {

inline void put16(std::vector<uint8_t>& p, uint16_t v) {
  p.push_back(static_cast<uint8_t>(v >> 8));
  p.push_back(static_cast<uint8_t>(v));
}
inline void put32(std::vector<uint8_t>& p, uint32_t v) {
  put16(p, static_cast<uint16_t>(v >> 16));
  put16(p, static_cast<uint16_t>(v));
}
inline uint16_t get16(std::span<const uint8_t> p, size_t at) { return static_cast<uint16_t>(p[at] << 8 | p[at + 1]); }

// Labels by hand (not encode_name), so the tests do not lean on the code.
inline void put_name(std::vector<uint8_t>& p, std::string_view name) {
  while (!name.empty()) {
    size_t dot = name.find('.');
    std::string_view label = name.substr(0, dot);
    p.push_back(static_cast<uint8_t>(label.size()));
    p.insert(p.end(), label.begin(), label.end());
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  p.push_back(0);
}

inline void put_header(std::vector<uint8_t>& p, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns,
                       uint16_t ar) {
  put16(p, id);
  put16(p, flags);
  put16(p, qd);
  put16(p, an);
  put16(p, ns);
  put16(p, ar);
}

// A query (id 1) whose one A/IN question has `name` as its raw wire bytes:
// for names no encoder would write (bad label types, pointer loops).
inline std::vector<uint8_t> query_with_raw_name(std::initializer_list<uint8_t> name) {
  std::vector<uint8_t> p;
  put_header(p, 1, 0, 1, 0, 0, 0);
  p.insert(p.end(), name);
  put16(p, kTypeA);
  put16(p, kClassIn);
  return p;
}

inline void put_opt(std::vector<uint8_t>& p, uint16_t size) {
  p.push_back(0);
  put16(p, kTypeOpt);
  put16(p, size);
  put32(p, 0);
  put16(p, 0);
}

// A standard query; edns_size > 0 adds an OPT record.
inline std::vector<uint8_t> make_query(uint16_t id, std::string_view name, uint16_t qtype, uint16_t flags = kFlagRd,
                                       int edns_size = 0) {
  std::vector<uint8_t> p;
  put_header(p, id, flags, 1, 0, 0, edns_size > 0 ? 1 : 0);
  put_name(p, name);
  put16(p, qtype);
  put16(p, kClassIn);
  if (edns_size > 0) put_opt(p, static_cast<uint16_t>(edns_size));
  return p;
}

// What an upstream would answer: the question copied from the query, A
// records with compressed names, RA set, no AA.
inline std::vector<uint8_t> make_answer(std::span<const uint8_t> query, const std::vector<Ipv4>& ips,
                                        uint16_t extra_flags = 0, Rcode rcode = Rcode::NoError) {
  std::vector<uint8_t> p;
  auto qend = read_name(query, kHeaderSize);
  size_t end = qend ? *qend + 4 : kHeaderSize;
  uint16_t flags = kFlagQr | kFlagRa | (get16(query, 2) & kFlagRd) | extra_flags | static_cast<uint16_t>(rcode);
  put_header(p, get16(query, 0), flags, 1, static_cast<uint16_t>(ips.size()), 0, 0);
  p.insert(p.end(), query.begin() + kHeaderSize, query.begin() + static_cast<ptrdiff_t>(end));
  for (Ipv4 ip : ips) {
    put16(p, 0xc00c);
    put16(p, kTypeA);
    put16(p, kClassIn);
    put32(p, 300);
    put16(p, 4);
    put32(p, ip.value);
  }
  return p;
}

struct Record {
  std::string name;  // dotted, as on the wire (case kept)
  uint16_t type = 0, klass = 0;
  uint32_t ttl = 0;
  std::vector<uint8_t> rdata;
  std::string rname;  // PTR/CNAME: the target, dotted
};

struct Response {
  uint16_t id = 0, flags = 0;
  Rcode rcode = Rcode::NoError;
  uint16_t qd = 0, an = 0, ns = 0, ar = 0;
  std::string qname;  // dotted, case kept
  uint16_t qtype = 0, qclass = 0;
  std::vector<Record> answers, additional;
  size_t size = 0;

  bool flag(uint16_t f) const { return flags & f; }
  std::vector<Ipv4> a() const {
    std::vector<Ipv4> out;
    for (const Record& r : answers)
      if (r.type == kTypeA && r.rdata.size() == 4)
        out.push_back(Ipv4{uint32_t{r.rdata[0]} << 24 | uint32_t{r.rdata[1]} << 16 | uint32_t{r.rdata[2]} << 8 | r.rdata[3]});
    return out;
  }
};

inline std::string wire_to_dotted(std::string_view wire) {
  std::string out;
  size_t i = 0;
  while (i < wire.size() && wire[i] != 0) {
    size_t len = static_cast<uint8_t>(wire[i]);
    if (!out.empty()) out += '.';
    out.append(wire.substr(i + 1, len));
    i += len + 1;
  }
  return out;
}

inline std::optional<Response> parse_response(std::span<const uint8_t> p) {
  if (p.size() < kHeaderSize) return std::nullopt;
  Response r;
  r.size = p.size();
  r.id = get16(p, 0);
  r.flags = get16(p, 2);
  r.rcode = static_cast<Rcode>(r.flags & 0xf);
  r.qd = get16(p, 4);
  r.an = get16(p, 6);
  r.ns = get16(p, 8);
  r.ar = get16(p, 10);
  size_t pos = kHeaderSize;
  for (int i = 0; i < r.qd; ++i) {
    std::string wire;
    auto after = read_name(p, pos, &wire);
    if (!after || *after + 4 > p.size()) return std::nullopt;
    if (i == 0) {
      r.qname = wire_to_dotted(wire);
      r.qtype = get16(p, *after);
      r.qclass = get16(p, *after + 2);
    }
    pos = *after + 4;
  }
  for (int i = 0; i < r.an + r.ns + r.ar; ++i) {
    Record rec;
    std::string wire;
    auto after = read_name(p, pos, &wire);
    if (!after || *after + 10 > p.size()) return std::nullopt;
    rec.name = wire_to_dotted(wire);
    rec.type = get16(p, *after);
    rec.klass = get16(p, *after + 2);
    rec.ttl = uint32_t{get16(p, *after + 4)} << 16 | get16(p, *after + 6);
    size_t len = get16(p, *after + 8);
    size_t rd = *after + 10;
    if (rd + len > p.size()) return std::nullopt;
    rec.rdata.assign(p.begin() + rd, p.begin() + rd + len);
    if (rec.type == kTypePtr) {
      std::string target;
      if (!read_name(p, rd, &target)) return std::nullopt;
      rec.rname = wire_to_dotted(target);
    }
    pos = rd + len;
    if (i < r.an)
      r.answers.push_back(std::move(rec));
    else if (i >= r.an + r.ns)
      r.additional.push_back(std::move(rec));
  }
  if (pos != p.size()) return std::nullopt;  // trailing junk
  return r;
}

}  // namespace hako::network::dns::test
