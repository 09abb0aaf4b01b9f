// Maven versions, following org.apache.maven.artifact.versioning.
// ComparableVersion (Maven 3.8), which accepts any string:
//
//   * the lower-cased version is cut into items at '.', at '-' and at every
//     switch between digits and letters; a number is an int item, anything
//     else a string item (a qualifier);
//   * '-' and a digit/letter switch open a nested list, so "1-1" is
//     [1, [1]] and "1.0-alpha1" is [1, 0, [alpha, [1]]]; a qualifier after
//     '.' also opens one, so "1.0.RC1" == "1.0-RC1" (Maven 3.8.x);
//   * "null" items (0, "", "ga", "final", "release", an empty list) are
//     trimmed from the end of every list, so 1 == 1.0 == 1.0.0 == 1-ga;
//   * qualifiers order alpha < beta < milestone < rc = cr < snapshot <
//     "" (release) < sp < any unknown qualifier (those by string), and "a1",
//     "b1", "m1" mean alpha-1, beta-1, milestone-1;
//   * between kinds: list vs int, a number beats a list (1.1 > 1-1) and a
//     list beats a qualifier (1-1 > 1-sp).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scan/version/schemes.h"

namespace hako::scan::detail {
namespace {

struct Item {
  enum Kind { Int, Str, List } kind;
  std::string text;         // Int: digits without leading zeros; Str: the qualifier
  std::vector<Item> items;  // List

  bool is_null() const {
    switch (kind) {
      case Int: return text.empty();
      case Str: return text.empty();
      case List: return items.empty();
    }
    return false;
  }
};

// Where a qualifier sorts: its index among the known ones, or "7-name" after
// all of them (compared as strings, exactly as Maven does).
std::string comparable_qualifier(const std::string& q) {
  static constexpr std::string_view known[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
  for (size_t i = 0; i < std::size(known); ++i)
    if (q == known[i]) return std::to_string(i);
  return "7-" + q;
}
const std::string release_qualifier = "5";

Item make_string(std::string s, bool followed_by_digit) {
  if (followed_by_digit && s.size() == 1) {
    if (s == "a") s = "alpha";
    else if (s == "b") s = "beta";
    else if (s == "m") s = "milestone";
  }
  if (s == "ga" || s == "final" || s == "release") s = "";
  else if (s == "cr") s = "rc";
  return Item{Item::Str, std::move(s), {}};
}

Item make_item(bool digits, std::string_view s) {
  if (!digits) return make_string(std::string(s), false);
  while (!s.empty() && s.front() == '0') s.remove_prefix(1);
  return Item{Item::Int, std::string(s), {}};
}

// ListItem.normalize: drop null items from the end, looking past non-null
// nested lists (they stay) but stopping at the first non-null int or string.
void normalize(std::vector<Item>& items) {
  for (size_t i = items.size(); i-- > 0;) {
    if (items[i].is_null()) {
      items.erase(items.begin() + i);
    } else if (items[i].kind != Item::List) {
      break;
    }
  }
}

int compare(const Item* a, const Item* b);

// One item against "nothing" (the other list ran out).
int compare_to_null(const Item& a) {
  switch (a.kind) {
    case Item::Int: return a.text.empty() ? 0 : 1;
    case Item::Str: return sign(comparable_qualifier(a.text).compare(release_qualifier));
    case Item::List:
      // The whole list, not just its first item (MNG-6964): 1-ga.1 > 1.
      for (const Item& i : a.items)
        if (int c = compare_to_null(i); c != 0) return c;
      return 0;
  }
  return 0;
}

int compare(const Item* a, const Item* b) {
  if (a == nullptr) return b == nullptr ? 0 : -compare_to_null(*b);
  if (b == nullptr) return compare_to_null(*a);
  switch (a->kind) {
    case Item::Int:
      if (b->kind == Item::Int) return compare_digits(a->text, b->text);
      return 1;  // a number beats a qualifier and a list
    case Item::Str:
      if (b->kind == Item::Str)
        return sign(comparable_qualifier(a->text).compare(comparable_qualifier(b->text)));
      return -1;  // a qualifier loses to a number and to a list
    case Item::List:
      if (b->kind == Item::Int) return -1;
      if (b->kind == Item::Str) return 1;
      for (size_t i = 0; i < a->items.size() || i < b->items.size(); ++i) {
        const Item* x = i < a->items.size() ? &a->items[i] : nullptr;
        const Item* y = i < b->items.size() ? &b->items[i] : nullptr;
        if (int c = compare(x, y); c != 0) return c;
      }
      return 0;
  }
  return 0;
}

// ComparableVersion.parseVersion. The stack holds pointers to the open lists;
// they stay valid because only the innermost (top) list ever grows, and a
// list's parent stops growing once the list has been opened inside it.
Item parse(std::string_view raw) {
  std::string v;
  for (char c : raw) v.push_back(to_lower(c));
  Item root{Item::List, {}, {}};
  std::vector<Item*> stack{&root};
  auto open_list = [&] {
    Item* list = stack.back();
    list->items.push_back(Item{Item::List, {}, {}});
    stack.push_back(&list->items.back());
  };
  bool digits = false;
  size_t start = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '.' || c == '-') {
      if (i == start) stack.back()->items.push_back(Item{Item::Int, "", {}});
      else stack.back()->items.push_back(make_item(digits, std::string_view(v).substr(start, i - start)));
      start = i + 1;
      if (c == '-') open_list();
    } else if (is_digit(c)) {
      if (!digits && i > start) {
        // "1.0.RC1" reads as "1.0-RC1": a qualifier that is not the first
        // item of its list starts a list of its own.
        if (!stack.back()->items.empty()) open_list();
        stack.back()->items.push_back(make_string(v.substr(start, i - start), true));
        start = i;
        open_list();
      }
      digits = true;
    } else {
      if (digits && i > start) {
        stack.back()->items.push_back(make_item(true, std::string_view(v).substr(start, i - start)));
        start = i;
        open_list();
      }
      digits = false;
    }
  }
  if (v.size() > start) {
    // The same for a trailing qualifier: "1.0.final" is "1.0-final".
    if (!digits && !stack.back()->items.empty()) open_list();
    stack.back()->items.push_back(make_item(digits, std::string_view(v).substr(start)));
  }
  // Innermost lists first, as Maven pops its stack.
  while (!stack.empty()) {
    normalize(stack.back()->items);
    stack.pop_back();
  }
  return root;
}

}  // namespace

Result<int> compare_maven(std::string_view a, std::string_view b) {
  if (a.empty()) return invalid("maven", a, "version string is empty");
  if (b.empty()) return invalid("maven", b, "version string is empty");
  Item x = parse(a), y = parse(b);
  return compare(&x, &y);
}

}  // namespace hako::scan::detail
