#include "cli/format/gofmt.h"

#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "cli/format/utf8.h"

namespace hako::cli::format {

namespace {

constexpr char kLower[] = "0123456789abcdefx";
constexpr char kUpper[] = "0123456789ABCDEFX";

bool fits_int64(const Json& v) {
  return v.is_number_integer() &&
         (!v.is_number_unsigned() || v.get<uint64_t>() <= uint64_t(INT64_MAX));
}

struct Flags {
  bool minus = false, plus = false, sharp = false, space = false, zero = false;
  bool plus_v = false, sharp_v = false;
  bool wid_present = false, prec_present = false;
  int wid = 0, prec = 0;
};

// One fmt.pp: formats operands into buf under the current flags.
class Printer {
 public:
  std::string buf;
  Flags f;

  void print_arg(const Json& v, char32_t verb, int depth = 0) {
    if (v.is_null() || v.is_discarded() || v.is_binary()) {
      if (depth > 0) {
        buf += f.sharp_v ? "interface {}(nil)" : "<nil>";
      } else if (verb == 'T' || verb == 'v') {
        pad("<nil>");
      } else {
        bad_verb(v, verb);
      }
      return;
    }
    if (verb == 'T') {
      fmt_s(go_type_name(v));
      return;
    }
    switch (v.type()) {
      case Json::value_t::boolean: return fmt_bool(v.get<bool>(), v, verb);
      case Json::value_t::number_integer:
      case Json::value_t::number_unsigned:
        if (fits_int64(v)) {
          int64_t i = v.get<int64_t>();
          return fmt_integer(uint64_t(i), true, v, verb);
        }
        return fmt_integer(v.get<uint64_t>(), false, v, verb);
      case Json::value_t::number_float: return fmt_float(v.get<double>(), v, verb);
      case Json::value_t::string: return fmt_string(v.get_ref<const std::string&>(), v, verb);
      case Json::value_t::array: return print_array(v, verb, depth);
      case Json::value_t::object: return print_object(v, verb, depth);
      default: return bad_verb(v, verb);
    }
  }

  void write_padding(int n) {
    if (n > 0) buf.append(size_t(n), f.zero && !f.minus ? '0' : ' ');
  }

  void pad(std::string_view s) {
    if (!f.wid_present || f.wid == 0) {
      buf += s;
      return;
    }
    int width = f.wid - int(rune_count(s));
    if (!f.minus) {
      write_padding(width);
      buf += s;
    } else {
      buf += s;
      write_padding(width);
    }
  }

 private:
  void bad_verb(const Json& v, char32_t verb) {
    buf += "%!";
    append_rune(buf, verb);
    buf += '(';
    if (v.is_null()) {
      buf += "<nil>";
    } else {
      buf += go_type_name(v);
      buf += '=';
      print_arg(v, 'v');
    }
    buf += ')';
  }

  std::string truncate(std::string_view s) {
    if (f.prec_present) {
      size_t i = 0, len = 0;
      for (int n = 0; i < s.size() && n < f.prec; i += len, ++n) decode_rune(s, i, &len);
      s = s.substr(0, i);
    }
    return std::string(s);
  }

  void fmt_s(std::string_view s) { pad(truncate(s)); }

  void fmt_q(std::string_view s) {
    std::string t = truncate(s);
    bool backquotable = f.sharp && t.find_first_of("`\r\n") == std::string::npos;
    if (backquotable) {
      pad("`" + t + "`");
    } else {
      pad(go_quote(t, f.plus));
    }
  }

  void fmt_sx(std::string_view s, const char* digits) {
    int length = int(s.size());
    if (f.prec_present && f.prec < length) length = f.prec;
    int width = 2 * length;
    if (width == 0) {
      if (f.wid_present) write_padding(f.wid);
      return;
    }
    if (f.space) {
      if (f.sharp) width *= 2;
      width += length - 1;
    } else if (f.sharp) {
      width += 2;
    }
    if (f.wid_present && f.wid > width && !f.minus) write_padding(f.wid - width);
    if (f.sharp) buf += '0', buf += digits[16];
    for (int i = 0; i < length; ++i) {
      if (f.space && i > 0) {
        buf += ' ';
        if (f.sharp) buf += '0', buf += digits[16];
      }
      unsigned char c = s[i];
      buf += digits[c >> 4];
      buf += digits[c & 0xF];
    }
    if (f.wid_present && f.wid > width && f.minus) write_padding(f.wid - width);
  }

  void fmt_string(const std::string& s, const Json& v, char32_t verb) {
    switch (verb) {
      case 'v': return f.sharp_v ? fmt_q(s) : fmt_s(s);
      case 's': return fmt_s(s);
      case 'x': return fmt_sx(s, kLower);
      case 'X': return fmt_sx(s, kUpper);
      case 'q': return fmt_q(s);
      default: return bad_verb(v, verb);
    }
  }

  void fmt_bool(bool b, const Json& v, char32_t verb) {
    if (verb == 't' || verb == 'v') {
      pad(b ? "true" : "false");
    } else {
      bad_verb(v, verb);
    }
  }

  void fmt_int_base(uint64_t u, int base, bool is_signed, char32_t verb, const char* digits) {
    bool negative = is_signed && int64_t(u) < 0;
    if (negative) u = -u;
    int prec = 0;
    if (f.prec_present) {
      prec = f.prec;
      if (prec == 0 && u == 0) {
        bool old = f.zero;
        f.zero = false;
        write_padding(f.wid);
        f.zero = old;
        return;
      }
    } else if (f.zero && !f.minus && f.wid_present) {
      prec = f.wid;
      if (negative || f.plus || f.space) --prec;
    }
    std::string d;
    do {
      d += digits[u % base];
      u /= base;
    } while (u != 0);
    while (int(d.size()) < prec) d += '0';
    if (f.sharp) {
      if (base == 2) d += "b0";
      if (base == 8 && d.back() != '0') d += '0';
      if (base == 16) d += digits[16], d += '0';
    }
    if (verb == 'O') d += "o0";
    if (negative) {
      d += '-';
    } else if (f.plus) {
      d += '+';
    } else if (f.space) {
      d += ' ';
    }
    std::string s(d.rbegin(), d.rend());
    bool old = f.zero;
    f.zero = false;
    pad(s);
    f.zero = old;
  }

  void fmt_integer(uint64_t u, bool is_signed, const Json& v, char32_t verb) {
    switch (verb) {
      case 'v':
      case 'd': return fmt_int_base(u, 10, is_signed, verb, kLower);
      case 'b': return fmt_int_base(u, 2, is_signed, verb, kLower);
      case 'o':
      case 'O': return fmt_int_base(u, 8, is_signed, verb, kLower);
      case 'x': return fmt_int_base(u, 16, is_signed, verb, kLower);
      case 'X': return fmt_int_base(u, 16, is_signed, verb, kUpper);
      case 'c':
      case 'q': {
        char32_t r = u > 0x10FFFF ? kRuneError : char32_t(u);
        if (verb == 'q') return pad(go_quote_rune(r));
        std::string s;
        append_rune(s, r);
        return pad(s);
      }
      case 'U': {
        std::string s = fmt::format("U+{:04X}", u);
        if (f.sharp && u <= 0x10FFFF && is_print(char32_t(u))) {
          s += " '";
          append_rune(s, char32_t(u));
          s += '\'';
        }
        bool old = f.zero;
        f.zero = false;
        pad(s);
        f.zero = old;
        return;
      }
      default: return bad_verb(v, verb);
    }
  }

  void fmt_float(double x, const Json& v, char32_t verb) {
    char c;
    int prec;
    switch (verb) {
      case 'v': c = 'g', prec = -1; break;
      case 'g':
      case 'G': c = char(verb), prec = -1; break;
      case 'f':
      case 'F': c = 'f', prec = 6; break;
      case 'e':
      case 'E': c = char(verb), prec = 6; break;
      default: return bad_verb(v, verb);
    }
    if (f.prec_present) prec = f.prec;
    std::string num = go_format_float(x, c, prec);
    if (num[0] != '-' && num[0] != '+') num.insert(num.begin(), '+');
    if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      bool old = f.zero;
      f.zero = false;
      if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
      pad(num);
      f.zero = old;
      return;
    }
    if (f.plus || num[0] != '+') {
      if (f.zero && !f.minus && f.wid_present && f.wid > int(num.size())) {
        buf += num[0];
        write_padding(f.wid - int(num.size()));
        buf.append(num, 1);
        return;
      }
      pad(num);
      return;
    }
    pad(std::string_view(num).substr(1));
  }

  void print_array(const Json& v, char32_t verb, int depth) {
    if (f.sharp_v) {
      buf += "[]interface {}{";
    } else {
      buf += '[';
    }
    bool first = true;
    for (const auto& e : v) {
      if (!first) buf += f.sharp_v ? ", " : " ";
      first = false;
      print_arg(e, verb, depth + 1);
    }
    buf += f.sharp_v ? '}' : ']';
  }

  void print_object(const Json& v, char32_t verb, int depth) {
    buf += f.sharp_v ? "map[string]interface {}{" : "map[";
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!first) buf += f.sharp_v ? ", " : " ";
      first = false;
      print_arg(Json(it.key()), verb, depth + 1);
      buf += ':';
      print_arg(it.value(), verb, depth + 1);
    }
    buf += f.sharp_v ? '}' : ']';
  }
};

bool is_go_string(const Json* a) { return a && a->is_string(); }

// Reads a decimal number at format[i]; Go's parsenum.
bool parse_num(std::string_view s, size_t& i, int& n) {
  if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
  n = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (n > 1000000) return false;  // absurd widths are an error in Go too
    n = n * 10 + (s[i++] - '0');
  }
  return true;
}

// A '*' width or precision operand; Go's intFromArg.
bool int_from_arg(std::span<const Json* const> args, size_t& arg_num, int& n) {
  if (arg_num >= args.size()) return false;
  const Json* a = args[arg_num++];
  if (!a || !a->is_number_integer() || !fits_int64(*a)) return false;
  int64_t v = a->get<int64_t>();
  if (v < -1000000 || v > 1000000) return false;
  n = int(v);
  return true;
}

}  // namespace

std::string go_type_name(const Json& v) {
  switch (v.type()) {
    case Json::value_t::string: return "string";
    case Json::value_t::boolean: return "bool";
    case Json::value_t::number_integer: return "int";
    case Json::value_t::number_unsigned: return fits_int64(v) ? "int" : "uint64";
    case Json::value_t::number_float: return "float64";
    case Json::value_t::array: return "[]interface {}";
    case Json::value_t::object: return "map[string]interface {}";
    default: return "<nil>";
  }
}

std::string go_param_type_name(const Json& v) {
  return v.is_null() ? "interface {}" : go_type_name(v);
}

std::string go_sprint_value(const Json& v) {
  Printer p;
  p.print_arg(v, 'v');
  return std::move(p.buf);
}

std::string go_sprint(std::span<const Json* const> args) {
  Printer p;
  bool prev_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_string = is_go_string(args[i]);
    if (i > 0 && !is_string && !prev_string) p.buf += ' ';
    p.print_arg(args[i] ? *args[i] : Json(), 'v');
    prev_string = is_string;
  }
  return std::move(p.buf);
}

std::string go_sprintln(std::span<const Json* const> args) {
  Printer p;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) p.buf += ' ';
    p.print_arg(args[i] ? *args[i] : Json(), 'v');
  }
  p.buf += '\n';
  return std::move(p.buf);
}

std::string go_sprintf(std::string_view format, std::span<const Json* const> args) {
  Printer p;
  size_t arg_num = 0;
  size_t i = 0;
  const size_t end = format.size();
  while (i < end) {
    size_t lit = format.find('%', i);
    if (lit == std::string_view::npos) lit = end;
    p.buf += format.substr(i, lit - i);
    i = lit;
    if (i >= end) break;
    ++i;  // the '%'
    p.f = Flags{};
    for (; i < end; ++i) {
      char c = format[i];
      if (c == '#') {
        p.f.sharp = true;
      } else if (c == '0') {
        p.f.zero = true;
      } else if (c == '+') {
        p.f.plus = true;
      } else if (c == '-') {
        p.f.minus = true;
      } else if (c == ' ') {
        p.f.space = true;
      } else {
        break;
      }
    }
    if (i < end && format[i] == '*') {
      ++i;
      p.f.wid_present = int_from_arg(args, arg_num, p.f.wid);
      if (!p.f.wid_present) p.buf += "%!(BADWIDTH)";
      if (p.f.wid < 0) p.f.wid = -p.f.wid, p.f.minus = true, p.f.zero = false;
    } else {
      p.f.wid_present = parse_num(format, i, p.f.wid);
    }
    if (i < end && format[i] == '.') {
      ++i;
      if (i < end && format[i] == '*') {
        ++i;
        p.f.prec_present = int_from_arg(args, arg_num, p.f.prec);
        if (p.f.prec < 0) p.f.prec = 0, p.f.prec_present = false;
        if (!p.f.prec_present) p.buf += "%!(BADPREC)";
      } else {
        p.f.prec_present = parse_num(format, i, p.f.prec);
        if (!p.f.prec_present) p.f.prec = 0, p.f.prec_present = true;
      }
    }
    if (i >= end) {
      p.buf += "%!(NOVERB)";
      break;
    }
    size_t len;
    char32_t verb = decode_rune(format, i, &len);
    i += len;
    if (verb == '%') {
      p.buf += '%';
      continue;
    }
    if (arg_num >= args.size()) {
      p.buf += "%!";
      append_rune(p.buf, verb);
      p.buf += "(MISSING)";
      continue;
    }
    if (verb == 'v') {
      p.f.sharp_v = p.f.sharp, p.f.sharp = false;
      p.f.plus_v = p.f.plus, p.f.plus = false;
    }
    const Json* a = args[arg_num++];
    p.print_arg(a ? *a : Json(), verb);
  }
  if (arg_num < args.size()) {
    p.f = Flags{};
    p.buf += "%!(EXTRA ";
    for (size_t k = arg_num; k < args.size(); ++k) {
      if (k > arg_num) p.buf += ", ";
      const Json& a = args[k] ? *args[k] : Json();
      if (a.is_null()) {
        p.buf += "<nil>";
      } else {
        p.buf += go_type_name(a);
        p.buf += '=';
        p.print_arg(a, 'v');
      }
    }
    p.buf += ')';
  }
  return std::move(p.buf);
}

}  // namespace hako::cli::format
