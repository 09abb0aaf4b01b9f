#include "volume/mount_spec.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "store/test_util.h"

namespace hako::volume {
namespace {

std::string volume_error(const std::string& v) {
  auto r = parse_volume_flag(v);
  EXPECT_FALSE(r) << v;
  return r ? std::string() : r.error().message();
}

std::string mount_error(const std::string& v) {
  auto r = parse_mount_flag(v);
  EXPECT_FALSE(r) << v;
  return r ? std::string() : r.error().message();
}

TEST(VolumeFlagTest, AnonymousVolume) {
  auto m = parse_volume_flag("/data");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->type, MountSpec::Volume);
  EXPECT_EQ(m->source, "");
  EXPECT_EQ(m->target, "/data");
  EXPECT_FALSE(m->readonly);
  auto cleaned = parse_volume_flag("/data/../var//lib/");
  ASSERT_TRUE(cleaned);
  EXPECT_EQ(cleaned->target, "/var/lib");
}

TEST(VolumeFlagTest, NamedVolume) {
  auto m = parse_volume_flag("mydata:/var/lib/db");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->type, MountSpec::Volume);
  EXPECT_EQ(m->source, "mydata");
  EXPECT_EQ(m->target, "/var/lib/db");
  auto modes = parse_volume_flag("my_vol.1-x:/d:ro,nocopy,Z");
  ASSERT_TRUE(modes) << modes.error().message();
  EXPECT_TRUE(modes->readonly);
  EXPECT_TRUE(modes->nocopy);
  EXPECT_EQ(modes->selinux, "Z");
  auto rw = parse_volume_flag("vol:/d:rw,cached");  // consistency modes are accepted and ignored
  ASSERT_TRUE(rw);
  EXPECT_FALSE(rw->readonly);
}

TEST(VolumeFlagTest, Bind) {
  auto m = parse_volume_flag("/host/dir/:/c");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->type, MountSpec::Bind);
  EXPECT_EQ(m->source, "/host/dir");
  EXPECT_EQ(m->target, "/c");
  EXPECT_EQ(m->propagation, "");
  // A missing host directory is fine for -v: the caller creates it.
  auto missing = parse_volume_flag("/does/not/exist/anywhere:/c:ro,rshared,z");
  ASSERT_TRUE(missing) << missing.error().message();
  EXPECT_TRUE(missing->readonly);
  EXPECT_EQ(missing->propagation, "rshared");
  EXPECT_EQ(missing->selinux, "z");
  for (const char* p : {"private", "rprivate", "shared", "rshared", "slave", "rslave"}) {
    auto r = parse_volume_flag(std::string("/h:/c:") + p);
    ASSERT_TRUE(r) << p;
    EXPECT_EQ(r->propagation, p);
  }
  auto root = parse_volume_flag("/:/host");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->source, "/");
}

TEST(VolumeFlagTest, InvalidSpecification) {
  EXPECT_EQ(volume_error("/a:/b:ro:extra"), "invalid volume specification: '/a:/b:ro:extra'");
  EXPECT_EQ(volume_error("a:b:c:d:e"), "invalid volume specification: 'a:b:c:d:e'");
  EXPECT_EQ(volume_error(""), "invalid volume specification: ''");
  EXPECT_EQ(volume_error(":/data"), "invalid volume specification: ':/data'");
  // A destination and a mode is not a volume.
  EXPECT_EQ(volume_error("/data:ro"), "invalid volume specification: '/data:ro'");
  EXPECT_EQ(volume_error("name:"), "invalid volume specification: 'name:'");
}

TEST(VolumeFlagTest, InvalidMode) {
  EXPECT_EQ(volume_error("/h:/c:rx"), "invalid mode: rx");
  EXPECT_EQ(volume_error("/h:/c:ro,rw"), "invalid mode: ro,rw");
  EXPECT_EQ(volume_error("/h:/c:shared,slave"), "invalid mode: shared,slave");
  EXPECT_EQ(volume_error("/h:/c:z,Z"), "invalid mode: z,Z");
  EXPECT_EQ(volume_error("/h:/c:ro,"), "invalid mode: ro,");
  EXPECT_TRUE(parse_volume_flag("vv:/c:")) << "an empty mode is no mode, as in Docker";
}

TEST(VolumeFlagTest, InvalidTargets) {
  EXPECT_EQ(volume_error("/h:/"),
            "invalid volume specification: '/h:/': invalid mount config for type \"bind\": invalid specification: "
            "destination can't be '/'");
  EXPECT_EQ(volume_error("vol:/.."),
            "invalid volume specification: 'vol:/..': invalid mount config for type \"volume\": invalid "
            "specification: destination can't be '/'");
  EXPECT_EQ(volume_error("vol:relative"),
            "invalid volume specification: 'vol:relative': invalid mount config for type \"volume\": invalid mount "
            "path: 'relative' mount path must be absolute");
  EXPECT_EQ(volume_error("relative"),
            "invalid volume specification: 'relative': invalid mount config for type \"volume\": invalid mount "
            "path: 'relative' mount path must be absolute");
}

TEST(VolumeFlagTest, OptionsOfTheWrongType) {
  EXPECT_EQ(volume_error("vol:/c:shared"),
            "invalid volume specification: 'vol:/c:shared': invalid mount config for type \"volume\": field "
            "BindOptions must not be specified");
  EXPECT_EQ(volume_error("/h:/c:nocopy"),
            "invalid volume specification: '/h:/c:nocopy': invalid mount config for type \"bind\": field "
            "VolumeOptions must not be specified");
}

TEST(VolumeFlagTest, VolumeNames) {
  EXPECT_EQ(volume_error("./rel:/c"),
            "\"./rel\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are "
            "allowed. If you intended to pass a host directory, use absolute path");
  EXPECT_EQ(volume_error("rel/dir:/c"),
            "\"rel/dir\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are "
            "allowed. If you intended to pass a host directory, use absolute path");
  EXPECT_EQ(volume_error("~:/c"), "volume name is too short, names should be at least two alphanumeric characters");
  EXPECT_NE(volume_error("_x:/c").find("includes invalid characters"), std::string::npos);
  EXPECT_NE(volume_error("-x:/c").find("includes invalid characters"), std::string::npos);
  EXPECT_TRUE(parse_volume_flag("0a:/c"));
}

TEST(VolumeNameTest, Rules) {
  EXPECT_TRUE(validate_volume_name("ab"));
  EXPECT_TRUE(validate_volume_name("A.b_c-9"));
  EXPECT_FALSE(validate_volume_name("a"));
  EXPECT_FALSE(validate_volume_name(""));
  EXPECT_FALSE(validate_volume_name(".ab"));
  EXPECT_FALSE(validate_volume_name("a b"));
  EXPECT_FALSE(validate_volume_name("a/b"));
  EXPECT_FALSE(validate_volume_name("a:b"));
}

TEST(MountFlagTest, VolumeType) {
  auto m = parse_mount_flag("source=mydata,target=/data");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->type, MountSpec::Volume);
  EXPECT_EQ(m->source, "mydata");
  EXPECT_EQ(m->target, "/data");
  auto anon = parse_mount_flag("type=volume,dst=/data/");
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->source, "");
  EXPECT_EQ(anon->target, "/data");
  auto full = parse_mount_flag(
      "type=volume,src=db,destination=/var/lib/db,ro=true,volume-nocopy,volume-driver=local,"
      "volume-label=env=prod,volume-label=tier,volume-opt=type=tmpfs,volume-opt=device=tmpfs,"
      "\"volume-opt=o=size=100m,uid=1000\",consistency=cached");
  ASSERT_TRUE(full) << full.error().message();
  EXPECT_TRUE(full->readonly);
  EXPECT_TRUE(full->nocopy);
  EXPECT_EQ(full->volume_driver, "local");
  EXPECT_EQ(full->volume_labels, (std::map<std::string, std::string>{{"env", "prod"}, {"tier", ""}}));
  EXPECT_EQ(full->volume_opts,
            (std::map<std::string, std::string>{{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=100m,uid=1000"}}));
  auto nocopy = parse_mount_flag("TYPE=Volume,target=/d,volume-nocopy=false,readonly=0");
  ASSERT_TRUE(nocopy) << nocopy.error().message();
  EXPECT_FALSE(nocopy->nocopy);
  EXPECT_FALSE(nocopy->readonly);
}

TEST(MountFlagTest, BindType) {
  store::testing::TempDir tmp;
  auto m = parse_mount_flag("type=bind,source=" + tmp.path() + "/,target=/c,readonly,bind-propagation=RSLAVE");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->type, MountSpec::Bind);
  EXPECT_EQ(m->source, tmp.path());
  EXPECT_TRUE(m->readonly);
  EXPECT_EQ(m->propagation, "rslave");
  EXPECT_FALSE(m->bind_nonrecursive);
  auto nonrec = parse_mount_flag("type=bind,src=" + tmp.path() + ",dst=/c,bind-nonrecursive");
  ASSERT_TRUE(nonrec);
  EXPECT_TRUE(nonrec->bind_nonrecursive);
  auto disabled = parse_mount_flag("type=bind,src=" + tmp.path() + ",dst=/c,bind-recursive=disabled");
  ASSERT_TRUE(disabled);
  EXPECT_TRUE(disabled->bind_nonrecursive);
  auto enabled = parse_mount_flag("type=bind,src=" + tmp.path() + ",dst=/c,bind-recursive=enabled");
  ASSERT_TRUE(enabled);
  EXPECT_FALSE(enabled->bind_nonrecursive);
  auto falsy = parse_mount_flag("type=bind,src=" + tmp.path() + ",dst=/c,bind-nonrecursive=false");
  ASSERT_TRUE(falsy);
  EXPECT_FALSE(falsy->bind_nonrecursive);
}

TEST(MountFlagTest, BindSourceRelativeToCwd) {
  store::testing::TempDir tmp;
  char old[4096];
  ASSERT_TRUE(::getcwd(old, sizeof old));
  ASSERT_EQ(::chdir(tmp.path().c_str()), 0);
  auto dot = parse_mount_flag("type=bind,src=.,dst=/c");
  auto missing = parse_mount_flag("type=bind,src=./nope,dst=/c");
  ASSERT_EQ(::chdir(old), 0);
  ASSERT_TRUE(dot) << dot.error().message();
  EXPECT_EQ(dot->source, tmp.path());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "invalid mount config for type \"bind\": bind source path does not exist: " +
                                           tmp.path() + "/nope");
}

TEST(MountFlagTest, BindErrors) {
  EXPECT_EQ(mount_error("type=bind,src=/does/not/exist/x,dst=/c"),
            "invalid mount config for type \"bind\": bind source path does not exist: /does/not/exist/x");
  EXPECT_EQ(mount_error("type=bind,dst=/c"), "invalid mount config for type \"bind\": field Source must not be empty");
  EXPECT_EQ(mount_error("type=bind,src=rel,dst=/c"),
            "invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute");
  EXPECT_EQ(mount_error("type=bind,src=/tmp,dst=/c,bind-propagation=sideways"),
            "invalid mount config for type \"bind\": invalid propagation mode: sideways");
  EXPECT_EQ(mount_error("type=bind,src=/tmp,dst=/c,bind-recursive=maybe"),
            "invalid value for bind-recursive: maybe (must be \"enabled\", \"disabled\", \"writable\", or "
            "\"readonly\")");
  EXPECT_EQ(mount_error("type=bind,src=/tmp,dst=/c,bind-nonrecursive=yes"), "invalid value for bind-nonrecursive: yes");
  EXPECT_EQ(mount_error("type=bind,src=/tmp,dst=/c,bind-recursive=writable"),
            "option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction");
  EXPECT_EQ(mount_error("type=bind,src=/tmp,dst=/c,bind-recursive=readonly"),
            "option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction");
  EXPECT_EQ(mount_error("type=bind,src=/tmp,dst=/c,bind-recursive=readonly,ro"),
            "option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction");
  auto writable = parse_mount_flag("type=bind,src=/tmp,dst=/c,bind-recursive=writable,ro");
  ASSERT_FALSE(writable);
  EXPECT_EQ(writable.error().kind(), ErrorKind::NotSupported);
  auto forced = parse_mount_flag("type=bind,src=/tmp,dst=/c,bind-recursive=readonly,ro,bind-propagation=rprivate");
  ASSERT_FALSE(forced);
  EXPECT_EQ(forced.error().kind(), ErrorKind::NotSupported);
}

TEST(MountFlagTest, TmpfsType) {
  auto m = parse_mount_flag("type=tmpfs,target=/run/x,tmpfs-size=64m,tmpfs-mode=1777");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->type, MountSpec::Tmpfs);
  EXPECT_EQ(m->target, "/run/x");
  EXPECT_EQ(m->tmpfs_size, 64LL << 20);
  EXPECT_EQ(m->tmpfs_mode, 01777u);
  auto plain = parse_mount_flag("type=tmpfs,dst=/t,ro");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->tmpfs_size, 0);
  EXPECT_FALSE(plain->tmpfs_mode);
  EXPECT_TRUE(plain->readonly);
  auto bytes = parse_mount_flag("type=tmpfs,dst=/t,tmpfs-size=4096,tmpfs-mode=0700");
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->tmpfs_size, 4096);
  EXPECT_EQ(bytes->tmpfs_mode, 0700u);
  EXPECT_EQ(mount_error("type=tmpfs,dst=/t,tmpfs-size=lots"), "invalid value for tmpfs-size: lots");
  EXPECT_EQ(mount_error("type=tmpfs,dst=/t,tmpfs-mode=0789"), "invalid value for tmpfs-mode: 0789");
  EXPECT_EQ(mount_error("type=tmpfs,dst=/t,tmpfs-mode=777777777777"), "invalid value for tmpfs-mode: 777777777777");
  EXPECT_EQ(mount_error("type=tmpfs,dst=/t,tmpfs-mode="), "invalid value for tmpfs-mode: ");
  EXPECT_EQ(mount_error("type=tmpfs,src=x,dst=/t"), "invalid mount config for type \"tmpfs\": field Source must not be specified");
}

TEST(MountFlagTest, FieldErrors) {
  EXPECT_EQ(mount_error("type=volume,target"), "invalid field 'target' must be a key=value pair");
  EXPECT_EQ(mount_error("type=volume,target=/d,"), "invalid field '' must be a key=value pair");
  EXPECT_EQ(mount_error("type=volume,target=/d,color=blue"), "unexpected key 'color' in 'color=blue'");
  EXPECT_EQ(mount_error("type=volume,target=/d,Color=blue"), "unexpected key 'color' in 'Color=blue'");
  EXPECT_EQ(mount_error("type=volume,target=/d,ro=maybe"), "invalid value for ro: maybe");
  EXPECT_EQ(mount_error("type=volume,target=/d,readonly=2"), "invalid value for readonly: 2");
  EXPECT_EQ(mount_error("type=volume,target=/d,volume-nocopy=nope"), "invalid value for volume-nocopy: nope");
  EXPECT_EQ(mount_error("type=,target=/d"), "type is required");
  EXPECT_EQ(mount_error("type=volume,src=v"), "target is required");
  EXPECT_EQ(mount_error(""), "value is empty");
  auto subpath = parse_mount_flag("type=volume,src=v,dst=/d,volume-subpath=a/b");
  ASSERT_FALSE(subpath);
  EXPECT_EQ(subpath.error().kind(), ErrorKind::NotSupported);
  EXPECT_EQ(subpath.error().message(), "volume-subpath is not supported");
}

TEST(MountFlagTest, MixedOptions) {
  EXPECT_EQ(mount_error("type=bind,src=/tmp,dst=/c,volume-opt=type=nfs"),
            "cannot mix 'volume-*' options with mount type 'bind'");
  EXPECT_EQ(mount_error("type=bind,src=/tmp,dst=/c,volume-nocopy"),
            "cannot mix 'volume-*' options with mount type 'bind'");
  EXPECT_EQ(mount_error("type=volume,dst=/c,bind-propagation=shared"),
            "cannot mix 'bind-*' options with mount type 'volume'");
  EXPECT_EQ(mount_error("type=tmpfs,dst=/c,bind-nonrecursive"), "cannot mix 'bind-*' options with mount type 'tmpfs'");
  EXPECT_EQ(mount_error("type=volume,dst=/c,tmpfs-size=1m"), "cannot mix 'tmpfs-*' options with mount type 'volume'");
  EXPECT_EQ(mount_error("type=bind,src=/tmp,dst=/c,tmpfs-mode=700"),
            "cannot mix 'tmpfs-*' options with mount type 'bind'");
  EXPECT_EQ(mount_error("type=tmpfs,dst=/c,volume-label=a=b"), "cannot mix 'volume-*' options with mount type 'tmpfs'");
}

TEST(MountFlagTest, DaemonValidation) {
  EXPECT_EQ(mount_error("type=volume,dst=/"),
            "invalid mount config for type \"volume\": invalid specification: destination can't be '/'");
  EXPECT_EQ(mount_error("type=tmpfs,dst=rel"),
            "invalid mount config for type \"tmpfs\": invalid mount path: 'rel' mount path must be absolute");
  EXPECT_EQ(mount_error("type=volume,dst=/d,readonly"),
            "invalid mount config for type \"volume\": must not set ReadOnly mode when using anonymous volumes");
  EXPECT_EQ(mount_error("type=foo,dst=/d"), "invalid mount config for type \"foo\": mount type unknown");
  auto image = parse_mount_flag("type=image,src=alpine,dst=/d");
  ASSERT_FALSE(image);
  EXPECT_EQ(image.error().kind(), ErrorKind::NotSupported);
  EXPECT_NE(mount_error("type=volume,src=bad/name,dst=/d").find("includes invalid characters"), std::string::npos);
  auto driver = parse_mount_flag("type=volume,src=vv,dst=/d,volume-driver=nfsplugin");
  ASSERT_FALSE(driver);
  EXPECT_EQ(driver.error().kind(), ErrorKind::NotFound);
  EXPECT_EQ(driver.error().message(), "error looking up volume plugin nfsplugin: plugin \"nfsplugin\" not found");
}

TEST(MountFlagTest, CsvQuoting) {
  auto quoted = parse_mount_flag("\"type=volume\",\"target=/a,b\",\"volume-label=say=\"\"hi\"\"\"");
  ASSERT_TRUE(quoted) << quoted.error().message();
  EXPECT_EQ(quoted->target, "/a,b");
  EXPECT_EQ(quoted->volume_labels.at("say"), "\"hi\"");
  EXPECT_EQ(mount_error("type=volume,target=/d,volume-opt=o=\"a,b\""),
            "parse error on line 1, column 36: bare \" in non-quoted-field");
  EXPECT_NE(mount_error("\"type=volume,target=/d").find("extraneous or missing \" in quoted-field"),
            std::string::npos);
  EXPECT_NE(mount_error("\"type=volume\"x,target=/d").find("extraneous or missing \" in quoted-field"),
            std::string::npos);
  auto newline = parse_mount_flag("type=tmpfs,target=/t\n");
  ASSERT_TRUE(newline);
  EXPECT_EQ(newline->target, "/t");
}

}  // namespace
}  // namespace hako::volume
