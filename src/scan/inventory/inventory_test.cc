#include "scan/inventory/inventory.h"

#include <gtest/gtest.h>

#include "scan/inventory/apk.h"
#include "scan/inventory/dpkg.h"
#include "scan/inventory/os_release.h"
#include "scan/inventory/rootfs.h"
#include "scan/inventory/test_root.h"

namespace hako::scan {
namespace {

TEST(Purl, DebianWithEncodedPlusAndSortedQualifiers) {
  EXPECT_EQ(make_purl("deb", "debian", "libc6", "2.36-9+deb12u4", {{"distro", "debian-12"}, {"arch", "amd64"}}),
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
}

TEST(Purl, EncodingCases) {
  // '@' of an npm scope is encoded; ':' (epochs) is never encoded.
  EXPECT_EQ(make_purl("npm", "@angular", "core", "16.0.0"), "pkg:npm/%40angular/core@16.0.0");
  EXPECT_EQ(make_purl("deb", "Debian", "Bash", "1:5.2-1"), "pkg:deb/debian/bash@1:5.2-1");
  EXPECT_EQ(make_purl("golang", "github.com/gorilla/", "mux", "v1.8.0"), "pkg:golang/github.com/gorilla/mux@v1.8.0");
  EXPECT_EQ(make_purl("pypi", "", "Django_Rest", "3.0"), "pkg:pypi/django-rest@3.0");
  EXPECT_EQ(make_purl("generic", "", "a b/c", "1 2", {{"Arch", "x"}, {"empty", ""}}),
            "pkg:generic/a%20b%2Fc@1%202?arch=x");
  EXPECT_EQ(make_purl("generic", "", "caf\xc3\xa9", ""), "pkg:generic/caf%C3%A9");
  EXPECT_EQ(make_purl("generic", "", "x", "1", {{"url", "https://h/p?q=1&r"}}),
            "pkg:generic/x@1?url=https:%2F%2Fh%2Fp%3Fq%3D1%26r");
  EXPECT_EQ(make_purl("rpm", "RedHat", "NetworkManager", "1.0-1", {}, "/a/../b/./c/"),
            "pkg:rpm/redhat/NetworkManager@1.0-1#a/b/c");
}

TEST(OsRelease, QuotingAndComments) {
  OsRelease os = parse_os_release(
      "# comment\n"
      "NAME=\"Debian GNU/Linux\"\n"
      "  ID=Debian  \n"
      "VERSION_ID=\"12\"\n"
      "PRETTY_NAME=\"Debian \\\"bookworm\\\" \\$HOME\"\n"
      "junk line without equals\n"
      "VERSION_CODENAME='it''s'\n");
  EXPECT_EQ(os.id, "debian");
  EXPECT_EQ(os.version_id, "12");
  EXPECT_EQ(os.pretty_name, "Debian \"bookworm\" $HOME");
  EXPECT_EQ(parse_os_release("PRETTY_NAME='a \\ b'\n").pretty_name, "a \\ b");
}

TEST(OsRelease, OsvEcosystemNames) {
  EXPECT_EQ(osv_ecosystem({"debian", "12", ""}), "Debian:12");
  EXPECT_EQ(osv_ecosystem({"debian", "", "Debian GNU/Linux trixie/sid"}), "Debian");
  EXPECT_EQ(osv_ecosystem({"ubuntu", "22.04", "Ubuntu 22.04.4 LTS"}), "Ubuntu:22.04:LTS");
  EXPECT_EQ(osv_ecosystem({"ubuntu", "24.04", ""}), "Ubuntu:24.04:LTS");
  EXPECT_EQ(osv_ecosystem({"ubuntu", "23.10", "Ubuntu 23.10"}), "Ubuntu:23.10");
  EXPECT_EQ(osv_ecosystem({"alpine", "3.19.1", ""}), "Alpine:v3.19");
  EXPECT_EQ(osv_ecosystem({"alpine", "3.21_alpha20240807", ""}), "Alpine:v3.21");
  EXPECT_EQ(osv_ecosystem({"rocky", "9.3", ""}), "Rocky Linux:9");
  EXPECT_EQ(osv_ecosystem({"almalinux", "8.9", ""}), "AlmaLinux:8");
  EXPECT_EQ(osv_ecosystem({"rhel", "9.3", ""}), "Red Hat");
  EXPECT_EQ(osv_ecosystem({"photon", "5.0", ""}), "Photon OS:5.0");
  EXPECT_EQ(osv_ecosystem({"opensuse-leap", "15.5", "openSUSE Leap 15.5"}), "openSUSE:Leap 15.5");
  EXPECT_EQ(osv_ecosystem({"sles", "15.5", "SUSE Linux Enterprise Server 15 SP5"}),
            "SUSE:Linux Enterprise Server 15 SP5");
  EXPECT_EQ(osv_ecosystem({"wolfi", "20230201", ""}), "Wolfi");
  EXPECT_EQ(osv_ecosystem({"plan9", "4", ""}), "");
  EXPECT_EQ(purl_distro({"debian", "12", ""}), "debian-12");
  EXPECT_EQ(purl_vendor({"rhel", "9", ""}, ""), "redhat");
}

TEST(OsRelease, FilesAndFallbacks) {
  {
    TestRoot r;  // the usual layout: an absolute link into /usr/lib
    r.write("usr/lib/os-release", "ID=ubuntu\nVERSION_ID=\"22.04\"\nPRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\n");
    r.symlink("/usr/lib/os-release", "etc/os-release");
    auto os = read_os_release(r.path());
    ASSERT_TRUE(os.has_value()) << os.error().message();
    EXPECT_EQ(os->id, "ubuntu");
    EXPECT_EQ(os->version_id, "22.04");
  }
  {
    TestRoot r;
    r.write("etc/debian_version", "12.4\n");
    auto os = read_os_release(r.path());
    ASSERT_TRUE(os.has_value());
    EXPECT_EQ(osv_ecosystem(*os), "Debian:12");
  }
  {
    TestRoot r;
    r.write("etc/alpine-release", "3.19.1\n");
    auto os = read_os_release(r.path());
    ASSERT_TRUE(os.has_value());
    EXPECT_EQ(os->id, "alpine");
    EXPECT_EQ(osv_ecosystem(*os), "Alpine:v3.19");
  }
  {
    TestRoot r;  // scratch: nothing to know, no error
    auto os = read_os_release(r.path());
    ASSERT_TRUE(os.has_value());
    EXPECT_EQ(os->id, "");
  }
}

TEST(RootFs, SymlinksStayInsideTheRoot) {
  TestRoot r;
  r.write("real/file", "inside");
  r.symlink("/real", "abs");                       // absolute: re-rooted
  r.symlink("../../../../../../real/file", "up");  // ".." stops at the root
  r.symlink("/etc/hostname", "host");              // would be a host file
  r.symlink("loop2", "loop1");
  r.symlink("loop1", "loop2");
  auto a = read_in_root(r.path(), "/abs/file");
  ASSERT_TRUE(a.has_value() && a->has_value());
  EXPECT_EQ(**a, "inside");
  auto u = read_in_root(r.path(), "up");
  ASSERT_TRUE(u.has_value() && u->has_value());
  EXPECT_EQ(**u, "inside");
  auto h = read_in_root(r.path(), "host");
  ASSERT_TRUE(h.has_value());
  EXPECT_FALSE(h->has_value());  // root/etc/hostname does not exist
  EXPECT_FALSE(read_in_root(r.path(), "loop1").has_value());
  EXPECT_FALSE(read_in_root(r.path(), "real").has_value());  // a directory
  auto through_file = read_in_root(r.path(), "real/file/x");
  ASSERT_TRUE(through_file.has_value());
  EXPECT_FALSE(through_file->has_value());
}

constexpr std::string_view kStatus =
    "Package: libc6\n"
    "Status: install ok installed\n"
    "Priority: optional\n"
    "Architecture: amd64\n"
    "Multi-Arch: same\n"
    "Source: glibc\n"
    "Version: 2.36-9+deb12u4\n"
    "Description: GNU C Library: Shared libraries\n"
    " Contains the standard libraries that are used by nearly all programs on\n"
    " .\n"
    " the system.\n"
    "Conffiles:\n"
    " /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab\n"
    "\n"
    "Package: oldpkg\n"
    "Status: deinstall ok config-files\n"
    "Version: 1.0\n"
    "\n"
    "Package: halfway\n"
    "Status: install ok half-installed\n"
    "Version: 1.0\n"
    "\n"
    "Package: libssl3\n"
    "Status: hold ok installed\n"
    "architecture: amd64\n"
    "Source: openssl (3.0.11-1~deb12u2)\n"
    "Version: 3.0.11-1~deb12u2+b1\n"
    "\n\n";

TEST(Dpkg, StanzasStatusAndSource) {
  auto pkgs = parse_dpkg_status(kStatus, "var/lib/dpkg/status", true);
  ASSERT_TRUE(pkgs.has_value()) << pkgs.error().message();
  ASSERT_EQ(pkgs->size(), 2u);
  const Package& libc = (*pkgs)[0];
  EXPECT_EQ(libc.name, "libc6");
  EXPECT_EQ(libc.version, "2.36-9+deb12u4");
  EXPECT_EQ(libc.arch, "amd64");
  EXPECT_EQ(libc.source_name, "glibc");
  EXPECT_EQ(libc.source_version, "2.36-9+deb12u4");
  EXPECT_EQ(libc.path, "var/lib/dpkg/status");
  const Package& ssl = (*pkgs)[1];
  EXPECT_EQ(ssl.name, "libssl3");
  EXPECT_EQ(ssl.arch, "amd64");  // field names are case-insensitive
  EXPECT_EQ(ssl.source_name, "openssl");
  EXPECT_EQ(ssl.source_version, "3.0.11-1~deb12u2");
  EXPECT_EQ(ssl.version, "3.0.11-1~deb12u2+b1");
}

TEST(Dpkg, CorruptFilesNameTheLine) {
  auto bad = parse_dpkg_status("Package: a\nVersion: 1\nthis is not a field\n", "var/lib/dpkg/status", true);
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("var/lib/dpkg/status:3:"), std::string::npos) << bad.error().message();
  auto cont = parse_dpkg_status(" leading continuation\n", "s", true);
  ASSERT_FALSE(cont.has_value());
  EXPECT_NE(cont.error().message().find("s:1:"), std::string::npos);
  auto nover = parse_dpkg_status("\nPackage: a\nStatus: install ok installed\n", "s", true);
  ASSERT_FALSE(nover.has_value());
  EXPECT_NE(nover.error().message().find("s:2:"), std::string::npos);
  EXPECT_FALSE(parse_dpkg_status("Package: a\nVersion: 1\nSource: (1.0)\n", "s", false).has_value());
}

TEST(Dpkg, Dep5CopyrightVersusFreeText) {
  EXPECT_EQ(dep5_license("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
                         "Upstream-Name: bash\n"
                         "\n"
                         "Files: lib/*\n"
                         "License: GPL-2+\n"
                         "\n"
                         "Files: *\n"
                         "Copyright: 1987-2022 Free Software Foundation, Inc.\n"
                         "License: GPL-3+\n"
                         " This program is free software...\n"
                         "\n"
                         "License: GPL-3+\n"
                         " full text\n"),
            "GPL-3+");
  EXPECT_EQ(dep5_license("This is Debian's prepackaged version of zlib.\n\n"
                         "License: zlib, see below\n"),
            "");
  EXPECT_EQ(dep5_license("Format: x\n\nFiles: debian/*\nLicense: MIT\n"), "");
}

TEST(Dpkg, StatusAndDistrolessStatusD) {
  TestRoot r;
  r.write("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
  r.write("var/lib/dpkg/status", kStatus);
  r.write("var/lib/dpkg/status.d/base-files", "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n");
  r.write("var/lib/dpkg/status.d/base-files.md5sums", "d41d8cd98f00b204e9800998ecf8427e  etc/issue\n");
  r.write("var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n");
  r.write("usr/share/doc/libc6/copyright",
          "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
          "Files: *\nLicense: LGPL-2.1+\n");
  r.write("usr/share/doc/libssl3/copyright", "This package was debianized by ...\n");
  auto pkgs = os_packages(r.path());
  ASSERT_TRUE(pkgs.has_value()) << pkgs.error().message();
  ASSERT_EQ(pkgs->size(), 4u);
  EXPECT_EQ((*pkgs)[0].purl, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
  EXPECT_EQ((*pkgs)[0].ecosystem, "Debian:12");
  EXPECT_EQ((*pkgs)[0].license, "LGPL-2.1+");
  EXPECT_EQ((*pkgs)[1].license, "");
  EXPECT_EQ((*pkgs)[2].name, "base-files");
  EXPECT_EQ((*pkgs)[2].path, "var/lib/dpkg/status.d/base-files");
  EXPECT_EQ((*pkgs)[2].source_name, "base-files");
  EXPECT_EQ((*pkgs)[3].purl, "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12");
}

TEST(Inventory, EmptyRootAndCorruptDatabase) {
  TestRoot empty;
  auto none = os_packages(empty.path());
  ASSERT_TRUE(none.has_value()) << none.error().message();
  EXPECT_TRUE(none->empty());

  TestRoot bad;
  bad.write("lib/apk/db/installed", "P:musl\nV:1.2.4-r2\n\nP:x\nbroken\n");
  auto err = os_packages(bad.path());
  ASSERT_FALSE(err.has_value());
  EXPECT_EQ(err.error().kind(), ErrorKind::InvalidArgument);
  EXPECT_NE(err.error().message().find("lib/apk/db/installed:5:"), std::string::npos) << err.error().message();
}

TEST(Apk, Blocks) {
  constexpr std::string_view kInstalled =
      "C:Q1abc=\n"
      "P:musl\n"
      "V:1.2.4_git20230717-r4\n"
      "A:x86_64\n"
      "S:383152\n"
      "L:MIT\n"
      "o:musl\n"
      "t:1705500000\n"
      "c:f93af038c3de7146121c2ea8124ba5ce29b4b058\n"
      "F:lib\n"
      "R:libc.musl-x86_64.so.1\n"
      "a:0:0:777\n"
      "Z:Q1abc=\n"
      "\n"
      "P:libcrypto3\n"
      "V:3.1.4-r5\n"
      "A:x86_64\n"
      "L:Apache-2.0\n"
      "o:openssl\n"
      "\n"
      "P:alpine-baselayout-data\n"
      "V:3.4.3-r2\n"
      "A:x86_64\n";
  TestRoot r;
  r.write("etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n");
  r.write("lib/apk/db/installed", kInstalled);
  auto pkgs = os_packages(r.path());
  ASSERT_TRUE(pkgs.has_value()) << pkgs.error().message();
  ASSERT_EQ(pkgs->size(), 3u);
  EXPECT_EQ((*pkgs)[0].name, "musl");
  EXPECT_EQ((*pkgs)[0].version, "1.2.4_git20230717-r4");
  EXPECT_EQ((*pkgs)[0].license, "MIT");
  EXPECT_EQ((*pkgs)[0].ecosystem, "Alpine:v3.19");
  EXPECT_EQ((*pkgs)[1].source_name, "openssl");
  EXPECT_EQ((*pkgs)[1].source_version, "3.1.4-r5");
  EXPECT_EQ((*pkgs)[1].purl, "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1");
  EXPECT_EQ((*pkgs)[2].source_name, "alpine-baselayout-data");  // no o: line
  EXPECT_EQ((*pkgs)[2].path, "lib/apk/db/installed");

  auto nover = parse_apk_installed("P:a\nA:x86_64\n", "db");
  ASSERT_FALSE(nover.has_value());
  EXPECT_NE(nover.error().message().find("db:1:"), std::string::npos);
}

}  // namespace
}  // namespace hako::scan
