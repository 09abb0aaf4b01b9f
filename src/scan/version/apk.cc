// Alpine package versions, following apk-tools' src/version.c (2.14/3.x):
//
//   digits{.digits}...{letter}{_suffix{digits}}...{~hexhash}{-rdigits}
//
// A version is read as a sequence of typed tokens. Two versions are compared
// token by token while both have a token of the same type; at the first type
// mismatch, a pre-release suffix (_alpha/_beta/_pre/_rc) loses, and otherwise
// the side that is "further along" the grammar (a smaller token type, i.e.
// more version detail still to come) wins: 1.2 < 1.2.1, 1.2 < 1.2a,
// 1.2 < 1.2-r1, 1.2-r1 < 1.2_p1 (a patch level is upstream, the -r is only
// Alpine's rebuild counter).
#include <string_view>
#include <vector>

#include "scan/version/schemes.h"

namespace hako::scan::detail {
namespace {

// Declaration order is the grammar's order and matters for the tail rule.
enum Token {
  InitialDigit,
  Digit,
  Letter,
  Suffix,
  SuffixNo,
  CommitHash,
  RevisionNo,
  End,
};

// _alpha < _beta < _pre < _rc < (no suffix) < _cvs < _svn < _git < _hg < _p.
enum SuffixRank { Alpha = 1, Beta, Pre, Rc, None, Cvs, Svn, Git, Hg, P };

struct Tok {
  Token type;
  std::string_view text;  // digits, the letter, the suffix word or the hash
  int suffix = 0;
};

int suffix_rank(std::string_view w) {
  static constexpr std::pair<std::string_view, int> table[] = {
      {"alpha", Alpha}, {"beta", Beta}, {"pre", Pre}, {"rc", Rc}, {"cvs", Cvs},
      {"svn", Svn},     {"git", Git},   {"hg", Hg},   {"p", P},
  };
  for (auto [name, rank] : table)
    if (w == name) return rank;
  return 0;
}

bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Tokenises the whole version, enforcing which token may follow which (the
// checks apk's token_next makes), so that invalid strings never compare.
Result<std::vector<Tok>> tokenize(std::string_view s) {
  std::vector<Tok> out;
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return s.substr(start, i - start);
  };
  auto bad = [&](std::string_view why) { return invalid("apk", s, why); };
  if (s.empty()) return bad("version string is empty");
  std::string_view first = digits();
  if (first.empty()) return bad("must start with a digit");
  out.push_back({InitialDigit, first});
  while (i < s.size()) {
    Token prev = out.back().type;
    char c = s[i];
    if (is_lower(c)) {
      if (prev > Digit) return bad("a letter may only follow a number");
      out.push_back({Letter, s.substr(i, 1)});
      ++i;
    } else if (c == '.' || is_digit(c)) {
      // A bare digit can only follow a suffix word (_rc1); numbers after the
      // initial one need a '.'.
      if (c == '.') {
        if (prev > Digit) return bad("'.' may only follow a number");
        ++i;
      } else if (prev != Suffix) {
        return bad("unexpected digit");
      }
      std::string_view d = digits();
      if (d.empty()) return bad("expected digits");
      out.push_back({c == '.' ? Digit : SuffixNo, d});
    } else if (c == '_') {
      if (prev > SuffixNo) return bad("'_' suffix after hash or revision");
      size_t start = ++i;
      while (i < s.size() && is_lower(s[i])) ++i;
      std::string_view w = s.substr(start, i - start);
      int rank = suffix_rank(w);
      if (rank == 0) return bad("unknown suffix");
      out.push_back({Suffix, w, rank});
    } else if (c == '~') {
      if (prev >= CommitHash) return bad("'~' after hash or revision");
      size_t start = ++i;
      while (i < s.size() && is_hex(s[i])) ++i;
      if (i == start) return bad("'~' needs a hexadecimal commit hash");
      out.push_back({CommitHash, s.substr(start, i - start)});
    } else if (c == '-') {
      if (prev >= RevisionNo) return bad("second revision");
      if (i + 1 >= s.size() || s[i + 1] != 'r') return bad("'-' must start '-r<N>'");
      i += 2;
      std::string_view d = digits();
      if (d.empty()) return bad("'-r' needs digits");
      out.push_back({RevisionNo, d});
    } else {
      return bad("invalid character");
    }
  }
  return out;
}

// Byte order, then length: apk_blob_sort.
int blob_sort(std::string_view a, std::string_view b) { return sign(a.compare(b)); }

int compare_token(const Tok& a, const Tok& b) {
  switch (a.type) {
    case Digit:
      // A leading zero makes the part a decimal fraction-like string
      // (1.02 < 1.1, 8.2.0015 < 8.2.002), as Gentoo's rules have it.
      if (a.text.front() == '0' || b.text.front() == '0') return blob_sort(a.text, b.text);
      [[fallthrough]];
    case InitialDigit:
    case SuffixNo:
    case RevisionNo:
      return compare_digits(a.text, b.text);
    case Letter:
      return sign(a.text.front() - b.text.front());
    case Suffix:
      return sign(a.suffix - b.suffix);
    default:  // CommitHash: no order beyond the bytes
      return blob_sort(a.text, b.text);
  }
}

}  // namespace

Result<int> compare_apk(std::string_view a, std::string_view b) {
  TRY_ASSIGN(std::vector<Tok> ta, tokenize(a));
  TRY_ASSIGN(std::vector<Tok> tb, tokenize(b));
  size_t i = 0;
  for (; i < ta.size() && i < tb.size() && ta[i].type == tb[i].type; ++i)
    if (int c = compare_token(ta[i], tb[i]); c != 0) return c;
  Tok ea = i < ta.size() ? ta[i] : Tok{End, {}};
  Tok eb = i < tb.size() ? tb[i] : Tok{End, {}};
  if (ea.type == eb.type) return 0;
  if (ea.type == Suffix && ea.suffix < None) return -1;
  if (eb.type == Suffix && eb.suffix < None) return 1;
  return ea.type > eb.type ? -1 : 1;
}

}  // namespace hako::scan::detail
