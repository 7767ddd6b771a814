"""Offline external repositories for Gigwire, built only from Debian packages.

Called once from //:WORKSPACE via gigwire_offline_repositories(). Nothing here
downloads: every repository is a local Debian folder, a patched copy of one, a
stub, or symlinks to system files. Needs bazel-bootstrap (4.2.x) and the
Debian packages bazel-rules-{cc,proto,java}, bazel-platforms, bazel-skylib.
"""

_DEBIAN_BAZEL = "/usr/share/bazel"

def _patched_rules_cc_impl(rctx):
    # Debian's rules_cc targets Bazel 5 and calls use_cpp_toolchain(), which
    # Bazel 4's @bazel_tools does not have. Copy it and substitute the toolchain
    # type that function returns.
    src = rctx.attr.path
    res = rctx.execute(["cp", "-R", "-L", src + "/.", "."])
    if res.return_code != 0:
        fail("copying %s failed: %s" % (src, res.stderr))
    for f in rctx.attr.files_to_patch:
        text = rctx.read(f)
        text = text.replace(', "use_cpp_toolchain")', ")")
        text = text.replace("use_cpp_toolchain()", '["@bazel_tools//tools/cpp:toolchain_type"]')
        rctx.file(f, text, executable = False)

patched_rules_cc = repository_rule(
    implementation = _patched_rules_cc_impl,
    attrs = {
        "path": attr.string(default = _DEBIAN_BAZEL + "/rules/cc"),
        "files_to_patch": attr.string_list(default = [
            "cc/private/rules_impl/compiler_flag.bzl",
            "cc/private/rules_impl/cc_flags_supplier.bzl",
        ]),
    },
    local = True,
)

def _build_file_repo_impl(rctx):
    # A repository made of one BUILD file, plus symlinks to absolute paths.
    for name, target in rctx.attr.symlinks.items():
        if not rctx.path(target).exists:
            fail("missing system file %s (install its Debian -dev package)" % target)
        rctx.symlink(target, name)
    rctx.file("WORKSPACE", 'workspace(name = "%s")\n' % rctx.name)
    rctx.file("BUILD.bazel", rctx.attr.build_file_content)

build_file_repo = repository_rule(
    implementation = _build_file_repo_impl,
    attrs = {
        "build_file_content": attr.string(mandatory = True),
        "symlinks": attr.string_dict(),
    },
    local = True,
)

# Every test target depends on these two labels (for `bazel coverage`), and
# Bazel would download the real repository. Empty filegroups are enough for
# build and test; `bazel coverage` is not supported offline.
_COVERAGE_STUB = """# Stub for offline builds: `bazel coverage` is not supported.
package(default_visibility = ["//visibility:public"])

filegroup(name = "coverage_report_generator")

filegroup(name = "lcov_merger")
"""

# System static archives (Debian ships no .so for these) that cc_import needs
# as labels.
_SYSTEM_FILES = """# System archives, symlinked from /usr/lib by //tools/bazel:repositories.bzl.
package(default_visibility = ["//visibility:public"])

exports_files(glob(["*.a"]))
"""

def gigwire_offline_repositories():
    """Declares every external repository the build needs, all local."""
    patched_rules_cc(name = "rules_cc")
    native.local_repository(name = "rules_java", path = _DEBIAN_BAZEL + "/rules/java")
    native.local_repository(name = "rules_proto", path = _DEBIAN_BAZEL + "/rules/proto")
    native.local_repository(name = "platforms", path = _DEBIAN_BAZEL + "/tools/platforms")
    native.local_repository(name = "bazel_skylib", path = _DEBIAN_BAZEL + "/tools/skylib")
    build_file_repo(name = "remote_coverage_tools", build_file_content = _COVERAGE_STUB)
    build_file_repo(
        name = "gigwire_system_files",
        build_file_content = _SYSTEM_FILES,
        symlinks = {
            name: "/usr/lib/x86_64-linux-gnu/" + name
            for name in [
                "libSQLiteCpp.a",
                "libgtest.a",
                "libgtest_main.a",
                "libgmock.a",
                "libgmock_main.a",
            ]
        },
    )
