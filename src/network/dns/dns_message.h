// DNS wire format, the little the embedded server needs (RFC 1035, 6891):
// parse a query (header, its one question, the EDNS OPT record if any) and
// build the responses the server gives itself (A, PTR, NODATA, errors), plus
// helpers to relay upstream responses (id rewrite, validation, truncation).
//
// Nothing here allocates more than the packet at hand, and every read is
// bounds-checked: a malformed packet yields Ignore/FormErr, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "network/address.h"

namespace hako::network::dns {

inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kClassicUdpSize = 512;  // without EDNS (RFC 1035)
inline constexpr size_t kMaxMessageSize = 65535;
inline constexpr uint32_t kTtl = 600;             // for our own records, as Docker
inline constexpr uint16_t kOurEdnsSize = 1232;    // what our OPT advertises

inline constexpr uint16_t kTypeA = 1;
inline constexpr uint16_t kTypePtr = 12;
inline constexpr uint16_t kTypeAaaa = 28;
inline constexpr uint16_t kTypeOpt = 41;
inline constexpr uint16_t kTypeAny = 255;
inline constexpr uint16_t kClassIn = 1;
inline constexpr uint16_t kClassAny = 255;

// The flags word of the header (after the id).
inline constexpr uint16_t kFlagQr = 0x8000;
inline constexpr uint16_t kFlagAa = 0x0400;
inline constexpr uint16_t kFlagTc = 0x0200;
inline constexpr uint16_t kFlagRd = 0x0100;
inline constexpr uint16_t kFlagRa = 0x0080;
inline constexpr uint16_t kFlagCd = 0x0010;

enum class Rcode : uint8_t { NoError = 0, FormErr = 1, ServFail = 2, NxDomain = 3, NotImp = 4, Refused = 5 };

struct Query {
  uint16_t id = 0;
  uint16_t flags = 0;         // as received
  bool has_question = false;  // the fields below are valid
  std::string name;           // lower-cased, dotted, no final dot; "" is the root
  std::string wire_name;      // as received (case kept), uncompressed
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  // The name has only printable, dot-free label bytes: safe to look up by its
  // dotted text (a label "a.b" must not match the name a.b).
  bool plain_name = false;
  bool edns = false;
  uint16_t edns_size = 0;  // the requestor's UDP payload size (OPT class)

  uint8_t opcode() const { return (flags >> 11) & 0xf; }
  bool recursion_desired() const { return flags & kFlagRd; }
  // The largest UDP response the client accepts: 512, or its EDNS size.
  size_t udp_limit() const;
};

enum class ParseStatus {
  Ok,
  Ignore,   // too short to answer, or a response: drop it silently
  FormErr,  // answer FORMERR (the question echoed when has_question)
  NotImp,   // an opcode other than QUERY: answer NOTIMP
};

struct ParsedQuery {
  ParseStatus status = ParseStatus::Ignore;
  Query query;
};

ParsedQuery parse_query(std::span<const uint8_t> packet);

// Reads the (possibly compressed) name at `offset`. Each compression pointer
// must point before every byte of the name read so far, so there are no
// loops; labels are at most 63 bytes and the name at most 255. Appends the
// uncompressed wire form (length-prefixed labels, final 0) to *wire when
// given. Returns the offset just past the name where it started (past the
// first pointer), nullopt when malformed.
std::optional<size_t> read_name(std::span<const uint8_t> packet, size_t offset, std::string* wire = nullptr);

// "a.b.c" (a final dot is fine) in wire form; nullopt for empty labels,
// labels over 63 bytes, names over 255. "" and "." are the root.
std::optional<std::string> encode_name(std::string_view dotted);

// The address of "4.3.2.1.in-addr.arpa" (lower-cased, no final dot): 1.2.3.4.
std::optional<Ipv4> parse_reverse_name(std::string_view name);

// One record of an answer section; its owner is the question's name (written
// as a compression pointer), its class IN and TTL kTtl.
struct Answer {
  uint16_t type = 0;
  std::string rdata;
};
Answer a_record(Ipv4 ip);
std::optional<Answer> ptr_record(std::string_view target);  // nullopt: not encodable

// A response to `q`: the question echoed (when it had one), RD copied, RA set,
// AA when `authoritative`, an OPT record when the query had one. Answers that
// do not fit in `limit` bytes are left out and TC set.
std::vector<uint8_t> build_response(const Query& q, Rcode rcode, bool authoritative,
                                    std::span<const Answer> answers = {}, size_t limit = kMaxMessageSize);

uint16_t get_id(std::span<const uint8_t> packet);  // 0 when shorter than 2 bytes
void set_id(std::span<uint8_t> packet, uint16_t id);
uint16_t get_flags(std::span<const uint8_t> packet);
Rcode get_rcode(std::span<const uint8_t> packet);

// Whether `response` answers `query` (same id, QR set, same question, the
// name compared case-insensitively; an error without a question is accepted).
bool is_response_to(std::span<const uint8_t> response, std::span<const uint8_t> query);

// Shrinks a response longer than `limit` to its header and question with TC
// set (the client retries over TCP). Returns whether it did.
bool truncate_response(std::vector<uint8_t>& response, size_t limit);

}  // namespace hako::network::dns
