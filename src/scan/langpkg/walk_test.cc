#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "scan/langpkg/langpkg.h"
#include "scan/langpkg/test_util.h"

namespace hako::scan {
namespace {

TEST(LanguagePackages, WalksARootfs) {
  testing::TempDir root;
  root.write("app/package-lock.json",
             R"({"lockfileVersion": 3, "packages": {"": {}, "node_modules/left-pad": {"version": "1.3.0"}}})");
  root.write("app/yarn.lock", "lodash@^4:\n  version \"4.17.21\"\n");
  root.write("app/node_modules/@types/node/package.json", R"({"name": "@types/node", "version": "20.1.0"})");
  root.write("app/node_modules/left-pad/package.json", R"({"name": "left-pad", "version": "1.3.0"})");
  // Not an installed package: a project's own manifest and a test fixture.
  root.write("app/package.json", R"({"name": "app", "version": "0.0.1"})");
  root.write("app/node_modules/left-pad/test/package.json", R"({"name": "fixture", "version": "9.9.9"})");
  root.write("usr/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA", "Name: six\nVersion: 1.16.0\n");
  root.write("usr/lib/python3/dist-packages/old.egg-info/PKG-INFO", "Name: old\nVersion: 0.9\n");
  root.write("srv/requirements-prod.txt", "flask==3.0.0\n");
  root.write("srv/poetry.lock", "[[package]]\nname = \"idna\"\nversion = \"3.4\"\n");
  root.write("srv/Cargo.lock", "[[package]]\nname = \"libc\"\nversion = \"0.2.148\"\nsource = \"registry+x\"\n");
  root.write("srv/Gemfile.lock", "GEM\n  specs:\n    rack (3.0.8)\n");
  root.write("srv/composer.lock", R"({"packages": [{"name": "psr/log", "version": "v3.0.0"}]})");
  root.write("opt/lib/app.jar", testing::make_zip({{"META-INF/maven/g/a/pom.properties",
                                                    "groupId=g\nartifactId=a\nversion=1.0\n"}}));
  root.write("usr/local/bin/tool",
             testing::make_elf({{".go.buildinfo", testing::make_buildinfo("go1.21.0", "mod\tex.io/tool\tv0.3.0\t\n")}}),
             0755);
  // Not Go: the same bytes in a non-executable file, and a non-ELF one.
  root.write("usr/lib/libtool.so", testing::make_elf({{".go.buildinfo", testing::make_buildinfo("go1", "mod\tno\tv1\t\n")}}));
  root.write("usr/local/bin/script", "#!/bin/sh\n", 0755);
  // Pseudo filesystems are never read, and symlinks never followed.
  root.write("proc/1/root/yarn.lock", "evil@^1:\n  version \"6.6.6\"\n");
  root.write("outside/yarn.lock", "linked@^1:\n  version \"1.0.0\"\n");
  std::filesystem::create_directory_symlink(root.path() + "/outside", root.path() + "/app/link");
  std::filesystem::create_symlink(root.path() + "/outside/yarn.lock", root.path() + "/srv/yarn.lock");
  root.write("broken/package-lock.json", "{");

  std::vector<std::string> warnings;
  auto r = language_packages(root.path(), &warnings);
  ASSERT_TRUE(r) << r.error().message();
  std::map<std::string, std::string> got;  // "ecosystem name@version" -> path
  for (const LangPackage& p : *r) got[p.ecosystem + " " + p.name + "@" + p.version] += p.path + ";";
  std::map<std::string, std::string> want = {
      {"npm left-pad@1.3.0", "app/package-lock.json;app/node_modules/left-pad/package.json;"},
      {"npm lodash@4.17.21", "app/yarn.lock;"},
      {"npm @types/node@20.1.0", "app/node_modules/@types/node/package.json;"},
      {"PyPI six@1.16.0", "usr/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA;"},
      {"PyPI old@0.9", "usr/lib/python3/dist-packages/old.egg-info/PKG-INFO;"},
      {"PyPI flask@3.0.0", "srv/requirements-prod.txt;"},
      {"PyPI idna@3.4", "srv/poetry.lock;"},
      {"crates.io libc@0.2.148", "srv/Cargo.lock;"},
      {"RubyGems rack@3.0.8", "srv/Gemfile.lock;"},
      {"Packagist psr/log@3.0.0", "srv/composer.lock;"},
      {"Maven g:a@1.0", "opt/lib/app.jar;"},
      {"Go ex.io/tool@v0.3.0", "usr/local/bin/tool;"},
      {"npm linked@1.0.0", "outside/yarn.lock;"},
  };
  // The package-lock entry and the installed package.json come in walk
  // order, which the file system decides.
  auto& lp = got["npm left-pad@1.3.0"];
  if (lp.starts_with("app/node_modules")) lp = "app/package-lock.json;app/node_modules/left-pad/package.json;";
  EXPECT_EQ(got, want);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("broken/package-lock.json"), std::string::npos) << warnings[0];
}

TEST(LanguagePackages, MissingRootFails) {
  EXPECT_EQ(language_packages("/nonexistent/rootfs").error().kind(), ErrorKind::NotFound);
}

}  // namespace
}  // namespace hako::scan
