"""gigwire_unit_tests(): one cc_test per `*_test.cc` file of the calling package.

Usage, in server/<layer>/BUILD.bazel:

    load("//tools/bazel:unit_tests.bzl", "gigwire_unit_tests")

    gigwire_unit_tests(deps = [":auth"])

`foo_test.cc` becomes the test `:foo_test`, linked with GoogleTest's main(),
gMock, abseil and the test helpers of //server/testing, plus `deps`. New test
files are picked up by the glob without editing the BUILD file. Tests run with
the package folder's runfiles as cwd and $TEST_TMPDIR (also $TMPDIR) for
scratch files.
"""

load("@rules_cc//cc:defs.bzl", "cc_test")

_COMMON_DEPS = [
    Label("//server/testing"),
    Label("//tools/bazel/system:absl"),
    Label("//tools/bazel/system:gmock"),
    Label("//tools/bazel/system:gtest_main"),
]

def gigwire_unit_tests(deps, **kwargs):
    """Declares a cc_test for each *_test.cc in the package.

    Args:
      deps: the libraries under test (the package's own library, usually).
      **kwargs: passed to every cc_test (size, tags, data, ...).
    """
    for src in native.glob(["*_test.cc"]):
        cc_test(
            name = src[:-len(".cc")],
            srcs = [src],
            deps = deps + _COMMON_DEPS,
            **kwargs
        )
