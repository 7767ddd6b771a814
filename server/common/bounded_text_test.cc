#include "server/common/bounded_text.h"

#include <string>

#include "gtest/gtest.h"

namespace gigwire {
namespace {

TEST(BoundedTextTest, ShortTextIsKeptWhole) {
  EXPECT_EQ(BoundedText("job_123", 16), "job_123");
  EXPECT_EQ(BoundedText("exactly8", 8), "exactly8");
}

TEST(BoundedTextTest, LongTextIsCutAndSaysHowLongItWas) {
  const std::string id(1 << 20, 'x');
  std::string bounded = BoundedText(id, 512);
  EXPECT_EQ(bounded, std::string(512, 'x') + "...(1048576 bytes)");
}

TEST(BoundedTextTest, NeverCutsInsideAUtf8Character) {
  // "é" is two bytes: a cut at 3 would split the second one.
  std::string bounded = BoundedText("\xC3\xA9\xC3\xA9\xC3\xA9", 3);
  EXPECT_EQ(bounded, "\xC3\xA9...(6 bytes)");
}

}  // namespace
}  // namespace gigwire
