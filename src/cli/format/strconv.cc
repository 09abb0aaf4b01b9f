// The strconv and encoding/json parts of gofmt.h: float formatting, quoting
// and JSON encoding.
#include <charconv>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "cli/format/gofmt.h"
#include "cli/format/utf8.h"

namespace hako::cli::format {

namespace {

constexpr char kLowerHex[] = "0123456789abcdef";

// The decimal digits of |v| and the decimal point position: |v| = 0.d × 10^dp.
struct Decimal {
  std::string d;
  int dp = 0;
  bool neg = false;
};

Decimal shortest_decimal(double v) {
  Decimal r;
  r.neg = std::signbit(v);
  double a = std::fabs(v);
  if (a == 0) return r;
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::scientific);
  std::string_view s(buf, res.ptr - buf);
  size_t e = s.find('e');
  for (char c : s.substr(0, e))
    if (c != '.') r.d += c;
  while (r.d.size() > 1 && r.d.back() == '0') r.d.pop_back();
  int exp = 0;
  std::string_view es = s.substr(e + 1);
  if (!es.empty() && es[0] == '+') es.remove_prefix(1);
  std::from_chars(es.data(), es.data() + es.size(), exp);
  r.dp = exp + 1;
  return r;
}

std::string fmt_e(const Decimal& x, int prec, char fmtc) {
  std::string out;
  if (x.neg) out += '-';
  int nd = int(x.d.size());
  out += nd == 0 ? '0' : x.d[0];
  if (prec > 0) {
    out += '.';
    int i = 1;
    int m = std::min(nd, prec + 1);
    if (i < m) out.append(x.d, 1, m - 1), i = m;
    for (; i <= prec; ++i) out += '0';
  }
  out += fmtc;
  int exp = nd == 0 ? 0 : x.dp - 1;
  out += exp < 0 ? '-' : '+';
  exp = std::abs(exp);
  if (exp < 10) out += '0';
  out += std::to_string(exp);
  return out;
}

std::string fmt_f(const Decimal& x, int prec) {
  std::string out;
  if (x.neg) out += '-';
  int nd = int(x.d.size());
  if (x.dp > 0) {
    int m = std::min(nd, x.dp);
    out.append(x.d, 0, m);
    for (; m < x.dp; ++m) out += '0';
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (int i = 1; i <= prec; ++i) {
      int j = x.dp + i - 1;
      out += (j >= 0 && j < nd) ? x.d[j] : '0';
    }
  }
  return out;
}

void append_hex(std::string& out, uint32_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i) out += kLowerHex[(v >> (4 * i)) & 0xF];
}

void append_escaped_rune(std::string& out, char32_t r, char quote, bool ascii_only) {
  if (r == char32_t(quote) || r == '\\') {
    out += '\\';
    out += char(r);
    return;
  }
  if (ascii_only ? (r < 0x80 && is_print(r)) : is_print(r)) {
    append_rune(out, r);
    return;
  }
  switch (r) {
    case '\a': out += "\\a"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\v': out += "\\v"; return;
  }
  if (r < ' ' || r == 0x7F) {
    out += "\\x";
    append_hex(out, r, 2);
  } else if (r < 0x10000) {
    out += "\\u";
    append_hex(out, r, 4);
  } else {
    out += "\\U";
    append_hex(out, r, 8);
  }
}

}  // namespace

std::string go_format_float(double v, char fmtc, int prec) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (prec >= 0) {
    switch (fmtc) {
      case 'e': return fmt::format("{:.{}e}", v, prec);
      case 'E': return fmt::format("{:.{}E}", v, prec);
      case 'f':
      case 'F': return fmt::format("{:.{}f}", v, prec);
      case 'g': return fmt::format("{:.{}g}", v, prec == 0 ? 1 : prec);
      case 'G': return fmt::format("{:.{}G}", v, prec == 0 ? 1 : prec);
    }
  }
  Decimal x = shortest_decimal(v);
  int nd = int(x.d.size());
  switch (fmtc) {
    case 'e':
    case 'E': return fmt_e(x, std::max(nd - 1, 0), fmtc);
    case 'f':
    case 'F': return fmt_f(x, std::max(nd - x.dp, 0));
    default: {
      int exp = x.dp - 1;
      if (exp < -4 || exp >= 6) return fmt_e(x, nd - 1, fmtc == 'G' ? 'E' : 'e');
      return fmt_f(x, std::max(nd - x.dp, 0));
    }
  }
}

std::string go_quote(std::string_view s, bool ascii_only) {
  std::string out = "\"";
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    char32_t r = decode_rune(s, i, &len);
    if (r == kRuneError && len == 1) {
      out += "\\x";
      append_hex(out, static_cast<unsigned char>(s[i]), 2);
      continue;
    }
    append_escaped_rune(out, r, '"', ascii_only);
  }
  out += '"';
  return out;
}

std::string go_quote_rune(char32_t r) {
  std::string out = "'";
  append_escaped_rune(out, r, '\'', false);
  out += '\'';
  return out;
}

namespace {

void json_string(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0, len = 0; i < s.size(); i += len) {
    char32_t r = decode_rune(s, i, &len);
    if (r == kRuneError && len == 1) {
      out += "\\ufffd";
      continue;
    }
    switch (r) {
      case '\\': out += "\\\\"; continue;
      case '"': out += "\\\""; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
    }
    if (r < 0x20 || r == 0x2028 || r == 0x2029) {
      out += "\\u";
      append_hex(out, r, 4);
      continue;
    }
    out.append(s.substr(i, len));
  }
  out += '"';
}

bool json_value(std::string& out, const Json& v) {
  switch (v.type()) {
    case Json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return true;
    case Json::value_t::number_integer: out += std::to_string(v.get<int64_t>()); return true;
    case Json::value_t::number_unsigned: out += std::to_string(v.get<uint64_t>()); return true;
    case Json::value_t::number_float: {
      double d = v.get<double>();
      if (!std::isfinite(d)) return false;
      double a = std::fabs(d);
      bool exp = a != 0 && (a < 1e-6 || a >= 1e21);
      std::string s = go_format_float(d, exp ? 'e' : 'f', -1);
      size_t n = s.size();
      if (exp && n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') {
        s.erase(n - 2, 1);  // e-09 → e-9, as encoding/json does
      }
      out += s;
      return true;
    }
    case Json::value_t::string: json_string(out, v.get_ref<const std::string&>()); return true;
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v) {
        if (!first) out += ',';
        first = false;
        if (!json_value(out, e)) return false;
      }
      out += ']';
      return true;
    }
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ',';
        first = false;
        json_string(out, it.key());
        out += ':';
        if (!json_value(out, it.value())) return false;
      }
      out += '}';
      return true;
    }
    default: out += "null"; return true;
  }
}

}  // namespace

std::optional<std::string> go_json(const Json& v) {
  std::string out;
  if (!json_value(out, v)) return std::nullopt;
  return out;
}

}  // namespace hako::cli::format
