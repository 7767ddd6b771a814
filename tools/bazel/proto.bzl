"""C++ protobuf + gRPC code generation with the system protoc (no downloads).

Usage, from the BUILD file of the proto root package (the folder that
`import` paths are relative to, here //proto):

    load("//tools/bazel:proto.bzl", "gigwire_cc_grpc_library")

    gigwire_cc_grpc_library(
        name = "gigwire_cc_proto",
        srcs = glob(["gigwire/v1/*.proto"]),
    )

C++ code then depends on ":gigwire_cc_proto" and writes
`#include "gigwire/v1/user.pb.h"` or `#include "gigwire/v1/user.grpc.pb.h"`.
The macro also emits "<name>_descriptor_set" (all srcs with their imports, as
a FileDescriptorSet) for tools that need descriptors at run time.

Limits: srcs are files of the calling package given as package-relative paths
(a glob is fine), and every .proto they import must be among them or be a
well-known type (google/protobuf/*.proto, found by protoc in /usr/include).
Runs /usr/bin/protoc and /usr/bin/grpc_cpp_plugin from Debian's
protobuf-compiler and protobuf-compiler-grpc; Bazel does not track those
binaries, so run `bazel clean` after upgrading them.
"""

load("@rules_cc//cc:defs.bzl", "cc_library")

_PROTOC = "/usr/bin/protoc"
_GRPC_PLUGIN = "/usr/bin/grpc_cpp_plugin"

def gigwire_cc_grpc_library(name, srcs, deps = [], **kwargs):
    """Generates .pb and .grpc.pb C++ files for srcs and wraps them in a cc_library.

    Args:
      name: name of the cc_library.
      srcs: .proto files, relative to the calling package (the proto root).
      deps: extra cc deps for the library (gRPC and protobuf are added).
      **kwargs: passed to the cc_library (visibility, testonly, ...).
    """
    bases = []
    for src in srcs:
        if ":" in src or not src.endswith(".proto"):
            fail("srcs must be package-relative .proto paths, got " + src)
        bases.append(src[:-len(".proto")])
    hdrs = [b + ext for b in bases for ext in [".pb.h", ".grpc.pb.h"]]
    ccs = [b + ext for b in bases for ext in [".pb.cc", ".grpc.pb.cc"]]
    descriptor_set = name + "_descriptor_set.pb"

    # protoc is run from the execroot; -I the package folder so that output
    # paths (and so #include paths) start at "gigwire/...".
    proto_root = native.package_name() or "."
    if native.repository_name() != "@":
        proto_root = "external/%s/%s" % (native.repository_name()[1:], proto_root)
    native.genrule(
        name = name + "_codegen",
        srcs = srcs,
        outs = hdrs + ccs + [descriptor_set],
        cmd = " ".join([
            _PROTOC,
            "-I" + proto_root,
            "--plugin=protoc-gen-grpc=" + _GRPC_PLUGIN,
            "--cpp_out=$(RULEDIR)",
            "--grpc_out=$(RULEDIR)",
            "--include_imports",
            "--descriptor_set_out=$(RULEDIR)/" + descriptor_set,
        ] + ["%s/%s" % (proto_root, s) for s in srcs]),
        message = "Generating C++ protobuf/gRPC code for " + name,
        visibility = ["//visibility:private"],
    )
    native.filegroup(
        name = name + "_descriptor_set",
        srcs = [descriptor_set],
        visibility = kwargs.get("visibility"),
    )
    cc_library(
        name = name,
        srcs = ccs,
        hdrs = hdrs,
        # Adds the package folder (source and generated) to the include path.
        includes = ["."],
        deps = deps + [
            Label("//tools/bazel/system:grpc++"),
            Label("//tools/bazel/system:protobuf"),
        ],
        **kwargs
    )
