// Tables of (a, b, expected sign) per scheme. Rows were cross-checked against
// the real tools where this machine has them: dpkg --compare-versions (dpkg),
// packaging 24.1 (PEP 440), maven-artifact 3.8.7's ComparableVersion (Maven),
// apk-tools' test/unit/version.data and rpm's tests/rpmvercmp.at (apk, rpm),
// and RubyGems' test_gem_version.rb (RubyGems).
#include "scan/version/version.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace hako::scan {
namespace {

struct Case {
  const char* a;
  const char* b;
  int want;  // sign of compare(a, b)
};

// Checks a row both ways round, since antisymmetry is half the contract.
void check_table(Scheme scheme, const std::vector<Case>& table) {
  for (const Case& c : table) {
    auto r = compare_versions(scheme, c.a, c.b);
    ASSERT_TRUE(r.has_value()) << to_string(scheme) << ": " << c.a << " vs " << c.b << ": "
                               << r.error().message();
    EXPECT_EQ(*r, c.want) << to_string(scheme) << ": " << c.a << " vs " << c.b;
    auto back = compare_versions(scheme, c.b, c.a);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, -c.want) << to_string(scheme) << ": " << c.b << " vs " << c.a;
  }
}

void check_invalid(Scheme scheme, const std::vector<const char*>& versions) {
  for (const char* v : versions) {
    EXPECT_FALSE(valid_version(scheme, v)) << to_string(scheme) << ": '" << v << "'";
    auto r = compare_versions(scheme, v, v);
    ASSERT_FALSE(r.has_value()) << to_string(scheme) << ": '" << v << "'";
    EXPECT_EQ(r.error().kind(), ErrorKind::InvalidArgument);
  }
}

// A chain a0 < a1 < ... checked pairwise (every pair, so transitivity too).
void check_ascending(Scheme scheme, const std::vector<const char*>& chain) {
  for (size_t i = 0; i < chain.size(); ++i)
    for (size_t j = 0; j < chain.size(); ++j) {
      auto r = compare_versions(scheme, chain[i], chain[j]);
      ASSERT_TRUE(r.has_value()) << chain[i] << " vs " << chain[j];
      EXPECT_EQ(*r, i < j ? -1 : i > j ? 1 : 0) << to_string(scheme) << ": " << chain[i] << " vs " << chain[j];
    }
}

TEST(DpkgVersion, Table) {
  check_table(Scheme::Dpkg, {
      {"1.0~rc1", "1.0", -1}, {"1:0.9", "2.0", 1},
      {"1.0-1", "1.0-1ubuntu1", -1}, {"2.30-21+deb12u1", "2.30-21", 1},
      {"1.2.3+dfsg-1", "1.2.3-1", 1}, {"1.0", "1.0-0", 0},
      {"0:1.0", "1.0", 0}, {"1.0", "1.0.0", -1},
      {"1.01", "1.1", 0}, {"1.9", "1.10", -1},
      {"1.0a", "1.0b", -1}, {"1.0A", "1.0a", -1},
      {"1.0a", "1.0+", -1}, {"1.0a", "1.0.", -1},
      {"1.0+b1", "1.0.1", -1}, {"1.0~~", "1.0~~a", -1},
      {"1.0~~a", "1.0~", -1}, {"1.0~", "1.0", -1},
      {"1.0", "1.0a", -1}, {"1.2.3-1~bpo11+1", "1.2.3-1", -1},
      {"7.88.1-10+deb12u5", "7.88.1-10+deb12u12", -1}, {"2:1.0", "1:9.9", 1},
      {"9.9p1-1", "9.9-1", 1}, {"1.0-1ubuntu0.1", "1.0-1ubuntu1", -1},
      {"3.0.2-0ubuntu1.10", "3.0.2-0ubuntu1.9", 1}, {"1.2-3-4", "1.2-3", 1},
      {"0.0~git20230101.abc-1", "0.0-1", -1}, {"1.0-1", "1.0-1+b1", -1},
      {"2.36.1-8+deb11u1", "2.36.1-8+deb11u2", -1}, {"1:2.0~rc1-1", "1:2.0-1", -1},
      {"1.0+really0.9-1", "1.0-1", 1}, {"10:1", "9:100", 1},
      {"1:2:3", "1:2", 1}, {"000123", "123", 0},
  });
}

TEST(DpkgVersion, Invalid) {
  check_invalid(Scheme::Dpkg, {"", "  ", "a1.0", "1.0:", ":1.0", "a:1.0", "-1:1.0", "1.0-", "-1", "1.0_1",
                               "1.0 1", "1.0-1_1", "1.0-a:b", "99999999999:1", "1:", "1.0-1/2", "2:~1"});
  EXPECT_TRUE(valid_version(Scheme::Dpkg, " 1.0-1 "));  // dpkg trims
  EXPECT_TRUE(valid_version(Scheme::Dpkg, "1:2.0-3-4"));
}

TEST(ApkVersion, Table) {
  check_table(Scheme::Apk, {
      {"1.2.3_rc1", "1.2.3", -1}, {"1.2.3", "1.2.3_p1", -1},
      {"1.2.3", "1.2.3-r1", -1},
      // A patch level is part of upstream; -rN only counts Alpine rebuilds.
      {"1.2.3-r1", "1.2.3_p1", -1}, {"1.2.3_p1", "1.2.3_p1-r1", -1},
      {"1.2.3_alpha", "1.2.3_beta", -1}, {"1.2.3_beta", "1.2.3_pre", -1},
      {"1.2.3_pre", "1.2.3_rc", -1}, {"1.2.3_cvs", "1.2.3_svn", -1},
      {"1.2.3_svn", "1.2.3_git", -1}, {"1.2.3_git", "1.2.3_hg", -1},
      {"1.2.3_hg", "1.2.3_p", -1}, {"1.2.3_rc1", "1.2.3_rc2", -1},
      {"1.2.3_rc9", "1.2.3_rc10", -1}, {"1.0_alpha_pre2", "1.0_alpha", -1},
      {"1.2", "1.2.1", -1}, {"1.2", "1.2a", -1},
      {"1.2a", "1.2b", -1}, {"1.2z", "1.2.0", -1},
      {"1.10", "1.9", 1}, {"1.2.3-r9", "1.2.3-r10", -1},
      {"1.0.4-r3", "1.0.4-r4", -1}, {"2.2.39-r1", "1.0.4-r3", 1},
      {"1.02", "1.1", -1},             // leading zero: string sort
      {"1.2.07.8", "1.2.12.04", -1}, {"8.2.0015", "8.2.002", -1},
      {"006", "1.06-r6", 1},          // the initial number is always numeric
      {"3.0.20060720", "20060720", -1}, {"1.0~1234", "1.0~2345", -1},
      {"1.0~1234-r1", "1.0~1234-r0", 1}, {"1.0", "1.0~abc", -1},
      {"1.0-r0", "1.0", 1}, {"2.0.0_rc3-r1", "1.5", 1},
      {"1.0.0_pre20191002222144-r0", "1.0.0_pre20210530193627-r0", -1}, {"0.2.0-r1", "0.2.0-r1", 0},
      {"1.0.0", "1.0", 1},
  });
  check_ascending(Scheme::Apk, {"1.2.3_alpha1", "1.2.3_rc1", "1.2.3", "1.2.3-r1", "1.2.3_p1", "1.2.3.1", "1.2.4"});
}

TEST(ApkVersion, Invalid) {
  check_invalid(Scheme::Apk, {"", "a1", "1.0bc", "0.1a1", "0.1a.1", "0.1_foobar", "1.0-1", "1.0-r",
                              "1.0_pre2~", "0.1_pre2~1234xbcd", "0.1_pre2-r1~1234", "1.0-r1-r2", "1.0.",
                              "1..0", "1.0A", "1.0 ", "v1.0", "1.0_pre2~1234abcd_pre1"});
  EXPECT_TRUE(valid_version(Scheme::Apk, "0.1_pre2~1234abcd"));
  EXPECT_TRUE(valid_version(Scheme::Apk, "1.2a_rc1_p2~ff-r10"));
}

TEST(RpmVersion, Table) {
  check_table(Scheme::Rpm, {
      {"1.0", "1.0", 0}, {"1.0", "2.0", -1},
      {"2.0.1", "2.0", 1}, {"5.5p1", "5.5p2", -1},
      {"5.5p10", "5.5p1", 1}, {"10xyz", "10.1xyz", -1},
      {"xyz10", "xyz10.1", -1}, {"1.0", "1.0a", -1},
      {"1.0a", "1.0.a", 0},  // separators only separate
      {"2a", "2.0", -1},    // letters sort before digits
      {"1.0~rc1", "1.0", -1}, {"1.0~rc1", "1.0~rc2", -1},
      {"1.0~rc1~git123", "1.0~rc1", -1}, {"1.0^", "1.0", 1},
      {"1.0^git1", "1.0", 1}, {"1.0^git1", "1.0.1", -1},
      {"1.0^git1", "1.01", -1}, {"1.0^20160101", "1.0^20160102", -1},
      {"1.0~rc1^git1", "1.0~rc1", 1}, {"1.0^git1~pre", "1.0^git1", -1},
      {"1:1.0-1", "2.0-1", 1}, {"0:1.0-1", "1.0-1", 0},
      {"1.0-1", "1.0-2", -1}, {"1.0-1.el9", "1.0-1.el9_1", -1},
      {"3.0.7-16.el9_2", "3.0.7-18.el9", -1},
      {"1.0", "1.0-1", -1},  // a missing release sorts first (see rpm.cc)
      {"001", "1", 0}, {"1.0.0", "1.0", 1},
  });
}

TEST(RpmVersion, Invalid) {
  check_invalid(Scheme::Rpm, {"", "1.0-", "-1", "a:1.0", "1:", "1 0", "1:2:3", "1.0\t"});
  EXPECT_TRUE(valid_version(Scheme::Rpm, "2:1.0-3.el9"));
}

TEST(SemVerVersion, Table) {
  check_table(Scheme::SemVer, {
      {"1.0.0", "2.0.0", -1}, {"2.0.0", "2.1.0", -1},
      {"2.1.0", "2.1.1", -1}, {"1.10.0", "1.9.0", 1},
      {"1.0.0-alpha", "1.0.0", -1}, {"1.0.0-alpha", "1.0.0-alpha.1", -1},
      {"1.0.0-alpha.1", "1.0.0-alpha.beta", -1}, {"1.0.0-alpha.beta", "1.0.0-beta", -1},
      {"1.0.0-beta", "1.0.0-beta.2", -1}, {"1.0.0-beta.2", "1.0.0-beta.11", -1},
      {"1.0.0-beta.11", "1.0.0-rc.1", -1}, {"1.0.0-rc.1", "1.0.0", -1},
      {"1.0.0+build.1", "1.0.0+build.2", 0}, {"1.0.0+build", "1.0.0", 0},
      {"1.0.0-rc.1+build.1", "1.0.0-rc.1", 0},
      {"1.0.0-1", "1.0.0-alpha", -1},   // numeric identifiers below alphanumeric
      {"1.0.0-2", "1.0.0-10", -1},
      {"1.0.0-a10", "1.0.0-a2", -1},    // alphanumerics compare as ASCII
      {"1.0.0-Alpha", "1.0.0-alpha", -1}, {"1.0.0-alpha-1", "1.0.0-alpha", 1},
      {"1.0.0--", "1.0.0-0", 1}, {"1.0.0-0.3.7", "1.0.0-0.3.8", -1},
      {"1.0.0-x.7.z.92", "1.0.0-x.7.z", 1}, {"0.0.0", "0.0.1", -1},
      {"99999999999999999999.0.0", "9999999999999999999.0.0", 1}, {"1.2.3-beta.1", "1.2.3-beta.1", 0},
  });
}

TEST(SemVerVersion, Invalid) {
  check_invalid(Scheme::SemVer, {"", "1", "1.2", "1.2.3.4", "v1.2.3", "01.2.3", "1.02.3", "1.2.03", "1.2.3-",
                                 "1.2.3-01", "1.2.3-a..b", "1.2.3+", "1.2.3+a..b", "1.2.3-a_b", "1.2.3 ", "a.b.c",
                                 "-1.2.3", "1.2.-3"});
  EXPECT_TRUE(valid_version(Scheme::SemVer, "1.2.3-0a.01b+001"));
}

TEST(GoVersion, Table) {
  check_table(Scheme::Go, {
      {"v1.2.3", "v1.2.4", -1}, {"v1", "v1.0.0", 0},
      {"v1.2", "v1.2.0", 0}, {"v1.2", "v1.10", -1},
      {"v2.0.0+incompatible", "v2.0.0", 0},
      {"v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20200101000000-000000000000", -1},
      {"v0.0.0-20191109021931-daa7c04131f5", "v0.0.1", -1},
      {"v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3", 1},
      {"v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4", -1}, {"v1.0.0-rc.1", "v1.0.0", -1},
  });
  check_invalid(Scheme::Go, {"1.2.3", "v1.2-pre", "v1+meta", "v01.2.3", "v", "v1.2.3.4", ""});
}

TEST(NpmVersion, Table) {
  check_table(Scheme::Npm, {
      {"v1.2.3", "1.2.3", 0}, {"=1.2.3", "1.2.3", 0},
      {"=v1.2.3", "v1.2.3", 0}, {" 1.2.3 ", "1.2.3", 0},
      {"1.2.3-beta.1", "1.2.3", -1}, {"4.17.21", "4.17.3", 1},
  });
  check_invalid(Scheme::Npm, {"", "1.2", "01.2.3", "vv1.2.3", "1.2.3.4", "x1.2.3"});
}

TEST(CargoVersion, Table) {
  check_table(Scheme::Cargo, {
      {"0.9.9", "0.10.0", -1}, {"1.0.0-alpha.1", "1.0.0", -1},
      {"1.0.0+deadbeef", "1.0.0", 0},
  });
  check_invalid(Scheme::Cargo, {"", "v1.0.0", "1.0", "=1.0.0", "1.0.0-01"});
}

TEST(ComposerVersion, Table) {
  check_table(Scheme::Composer, {
      {"v1.2.3", "1.2.3", 0}, {"1.2", "1.2.0.0", 0},
      {"1.2.3.4", "1.2.3.5", -1}, {"1.2.3.4", "1.2.4", -1},
      {"1.0.0-dev", "1.0.0-alpha1", -1}, {"1.0.0-alpha1", "1.0.0-beta1", -1},
      {"1.0.0-a2", "1.0.0-alpha2", 0}, {"1.0.0-beta2", "1.0.0-beta10", -1},
      {"1.0.0-b1", "1.0.0-RC1", -1}, {"1.0.0RC1", "1.0.0-rc1", 0},
      {"1.0.0-RC1", "1.0.0", -1}, {"1.0.0", "1.0.0-stable", 0},
      {"1.0.0", "1.0.0-patch1", -1}, {"1.0.0-pl1", "1.0.0-p1", 0},
      {"1.0.0-beta2-dev", "1.0.0-beta2", -1}, {"1.0.0-beta.2", "1.0.0-beta2", 0},
      {"2.0.0-alpha", "1.9.9", 1}, {"5.4.10", "5.4.9", 1},
  });
  check_invalid(Scheme::Composer, {"", "dev-main", "1.x-dev", "1.0.0-foo", "abc", "1.0.0.0.0", "1.0-"});
}

TEST(Pep440Version, Table) {
  check_table(Scheme::Pep440, {
      {"1.0", "1.0.0", 0}, {"1.0.0.0", "1", 0},
      {"1.0a1", "1.0", -1}, {"1.0a1", "1.0a2", -1},
      {"1.0a2", "1.0b1", -1}, {"1.0b2", "1.0rc1", -1},
      {"1.0rc1", "1.0c1", 0}, {"1.0alpha1", "1.0a1", 0},
      {"1.0beta1", "1.0b1", 0}, {"1.0pre1", "1.0rc1", 0},
      {"1.0preview1", "1.0rc1", 0}, {"1.0a", "1.0a0", 0},
      {"1.0-a.1", "1.0a1", 0}, {"1.0.dev0", "1.0a1", -1},
      {"1.0a1.dev1", "1.0a1", -1}, {"1.0a1.post1", "1.0a1", 1},
      {"1.0.post1", "1.0", 1}, {"1.0-1", "1.0.post1", 0},
      {"1.0.rev1", "1.0.post1", 0}, {"1.0r1", "1.0.post1", 0},
      {"1.0.post", "1.0.post0", 0}, {"1.0.post1.dev1", "1.0.post1", -1},
      {"1.0.post1.dev1", "1.0", 1}, {"1!0.1", "2.0", 1},
      {"0!1.0", "1.0", 0}, {"1.0+abc", "1.0", 1},
      {"1.0+abc.5", "1.0+abc.10", -1},
      {"1.0+5", "1.0+abc", 1},   // numeric local segments after strings
      {"1.0+abc", "1.0+abc.1", -1}, {"1.0+ABC-1", "1.0+abc.1", 0},
      {"V1.0", "1.0", 0}, {"1.0RC1", "1.0rc1", 0},
      {" 1.0 ", "1.0", 0}, {"1.0.dev", "1.0.dev0", 0},
      {"1.0_dev-1", "1.0.dev1", 0}, {"1.10", "1.9", 1},
      {"2.0.0.dev0", "2.0.0a0", -1}, {"1.0.0.dev1", "0.9.9.post2", 1},
  });
  check_ascending(Scheme::Pep440, {"1.0.dev0", "1.0a1.dev0", "1.0a1", "1.0a1.post1", "1.0b2", "1.0rc1", "1.0",
                                   "1.0+local", "1.0.post1.dev0", "1.0.post1", "1.1.dev0", "1!0.1"});
}

TEST(Pep440Version, Invalid) {
  check_invalid(Scheme::Pep440, {"", "a", "1.0+", "1.0+a..b", "1.0.x", "1.0-", "1!", "!1", "1.0a1b1", "1.0 1",
                                 "1.0.post1.post2", "1.0dev1.post1", "1.0++a", "v"});
}

TEST(RubyGemsVersion, Table) {
  check_table(Scheme::RubyGems, {
      {"1.0", "1.0.0", 0}, {"1.0", "1.0.a", 1},
      {"1.8.2", "0.0.0", 1}, {"1.8.2", "1.8.2.a", 1},
      {"1.8.2.b", "1.8.2.a", 1}, {"1.8.2.a10", "1.8.2.a9", 1},
      {"0.beta.1", "0.0.beta.1", 0}, {"0.0.beta", "0.0.beta.1", -1},
      {"0.0.beta", "0.beta.1", -1}, {"5.a", "5.0.0.rc2", -1},
      {"5.x", "5.0.0.rc2", 1}, {"1.9.3", "1.9.2.99", 1},
      {"1.9.3", "1.9.3.1", -1}, {"1.2.b1", "1.2.b.1", 0},
      {"1.0.0.a.1.0", "1.a.1", 0}, {"1.0.0-rc1", "1.0.0", -1},
      {"1.0.0-1", "1", -1}, {"1.0.0-alpha", "1.0.0-alpha.1", -1},
      {"1.0.0-beta.2", "1.0.0-beta.11", -1},
      {"1.0.0-rc1", "1.0.0.rc1", -1},  // "-" reads ".pre.", and "pre" < "rc"
      {"2.0.0.pre", "2.0.0.rc1", -1}, {"1.10", "1.9", 1},
      {" 1.0\n", "1.0", 0},
  });
  check_invalid(Scheme::RubyGems, {"", "junk", "1.0\n2.0", "1..2", "1.2 3.4", "1.0-", "1.0.", "-1",
                                   "2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e."});
}

TEST(MavenVersion, Table) {
  check_table(Scheme::Maven, {
      {"1.0-alpha-1", "1.0-SNAPSHOT", -1}, {"1.0-SNAPSHOT", "1.0", -1},
      {"1.0", "1.0-sp1", -1}, {"1.0.0", "1", 0},
      {"1-1", "1", 1}, {"1.0", "1", 0},
      {"1-ga", "1", 0}, {"1.0-final", "1.0", 0},
      {"1.0-release", "1", 0}, {"1.0-rc1", "1.0-cr1", 0},
      {"1.0-alpha1", "1.0-a1", 0}, {"1.0-beta1", "1.0-b1", 0},
      {"1.0-m1", "1.0-milestone-1", 0}, {"1.0-alpha-1", "1.0-alpha1", 0},
      {"1.0-alpha", "1.0-beta", -1}, {"1.0-beta", "1.0-milestone", -1},
      {"1.0-milestone", "1.0-rc", -1}, {"1.0-rc", "1.0-snapshot", -1},
      {"1.0-sp", "1.0-foo", -1},       // unknown qualifiers after sp
      {"1.0-foo", "1.0", 1}, {"1.0-abc", "1.0-xyz", -1},
      {"1.0.1", "1.0-sp", 1},
      {"1.1", "1-1", 1},               // a number beats a list
      {"1-1", "1-sp", 1},              // a list beats a qualifier
      {"1.0-alpha10", "1.0-alpha2", 1}, {"1.0.0-SNAPSHOT", "1-SNAPSHOT", 0},
      {"1.0-SNAPSHOT", "1.0-1", -1}, {"1.0-1", "1-1", 0},
      {"1.0-ALPHA", "1.0-alpha", 0}, {"1.2.3", "1.2.10", -1},
      {"1.12345678901234567890", "1.2", 1}, {"2.0.1-SNAPSHOT", "2.0", 1},
      {"2.17.1", "2.17.0", 1}, {"2.13.4.2", "2.13.4", 1},
      {"1.0.RC1", "1.0-RC1", 0},       // ".X" is treated as "-X"
      {"5.3.18.RELEASE", "5.3.18", 0},
  });
  check_ascending(Scheme::Maven, {"1.0-alpha-1", "1.0-beta-1", "1.0-milestone-1", "1.0-rc-1", "1.0-SNAPSHOT",
                                  "1.0", "1.0-sp-1", "1.0-whatever", "1.0.1"});
  check_invalid(Scheme::Maven, {""});
}

TEST(GenericVersion, Table) {
  check_table(Scheme::Generic, {
      {"1.2", "1.2.0", 0}, {"1.2", "1.10", -1},
      {"1.0", "1.0-x", -1}, {"1.0-a", "1.0-b", -1},
      {"2", "10", -1}, {"abc", "abd", -1},
      {"1.0.0.0.1", "1", 1},
  });
  check_invalid(Scheme::Generic, {"", "1 0"});
}

TEST(SchemeForEcosystem, Names) {
  struct Row {
    const char* name;
    std::optional<Scheme> want;
  };
  std::vector<Row> rows = {
      {"Debian", Scheme::Dpkg},       {"Debian:12", Scheme::Dpkg},       {"Ubuntu", Scheme::Dpkg},
      {"Ubuntu:22.04:LTS", Scheme::Dpkg}, {"Alpine", Scheme::Apk},      {"Alpine:v3.19", Scheme::Apk},
      {"Wolfi", Scheme::Apk},         {"Chainguard", Scheme::Apk},       {"npm", Scheme::Npm},
      {"PyPI", Scheme::Pep440},       {"Go", Scheme::Go},                {"crates.io", Scheme::Cargo},
      {"RubyGems", Scheme::RubyGems}, {"Maven", Scheme::Maven},          {"Packagist", Scheme::Composer},
      {"Red Hat", Scheme::Rpm},       {"Red Hat:enterprise_linux:9::appstream", Scheme::Rpm},
      {"Rocky Linux", Scheme::Rpm},   {"Rocky Linux:9", Scheme::Rpm},    {"AlmaLinux", Scheme::Rpm},
      {"AlmaLinux:8", Scheme::Rpm},   {"openSUSE", Scheme::Rpm},         {"SUSE", Scheme::Rpm},
      {"Mageia", Scheme::Rpm},        {"NuGet", Scheme::Generic},        {"debian", Scheme::Dpkg},
      {"GIT", std::nullopt},          {"", std::nullopt},                {"NoSuchEcosystem", std::nullopt},
  };
  for (const Row& r : rows) EXPECT_EQ(scheme_for_ecosystem(r.name), r.want) << r.name;
}

TEST(CompareVersions, ErrorNamesTheVersion) {
  auto r = compare_versions(Scheme::Dpkg, "1.0", "x1");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("'x1'"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("dpkg"), std::string::npos) << r.error().message();
}

TEST(CompareVersions, ResultIsASign) {
  EXPECT_EQ(*compare_versions(Scheme::Dpkg, "1", "1000"), -1);
  EXPECT_EQ(*compare_versions(Scheme::Apk, "1000", "1"), 1);
  EXPECT_EQ(*compare_versions(Scheme::Maven, "1", "1000"), -1);
}

}  // namespace
}  // namespace hako::scan
