// The web port's rules that need no socket: which origins may call, what HTTP
// headers become on the forwarded call, and which files the console serves.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/common/status.h"
#include "server/testing/temp_dir.h"
#include "server/web/origin_policy.h"
#include "server/web/request_metadata.h"
#include "server/web/static_files.h"

namespace gigwire::web {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(OriginPolicyTest, AllowsTheOwnOriginAndListedOnesOnly) {
  absl::StatusOr<OriginPolicy> policy = OriginPolicy::Create({"http://localhost:5173/"});
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_TRUE(policy->Allows("http://127.0.0.1:8080", "127.0.0.1:8080", /*tls=*/false));
  EXPECT_TRUE(policy->Allows("https://gw.example", "GW.example", /*tls=*/true));
  EXPECT_FALSE(policy->Allows("http://gw.example", "gw.example", /*tls=*/true));
  EXPECT_TRUE(policy->Allows("http://LOCALHOST:5173", "127.0.0.1:8080", false));
  EXPECT_FALSE(policy->Allows("http://localhost:5174", "127.0.0.1:8080", false));
  EXPECT_FALSE(policy->Allows("null", "127.0.0.1:8080", false));
  EXPECT_TRUE(policy->IsListed("http://localhost:5173"));
}

TEST(OriginPolicyTest, RefusesEntriesThatAreNotOrigins) {
  for (const char* bad : {"*", "localhost:5173", "ftp://x", "http://", "http://a/b c"}) {
    absl::StatusOr<OriginPolicy> policy = OriginPolicy::Create({bad});
    EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(RequestMetadataTest, ForwardsApplicationMetadataAndDropsHttpPlumbing) {
  const absl::Time now = absl::FromUnixSeconds(1'000'000);
  absl::StatusOr<ForwardedRequest> forwarded = ForwardedRequestOf(
      {{"Host", "x"}, {"Authorization", "Bearer t"}, {"Cookie", "s=1"}, {"Origin", "http://o"},
       {"Content-Type", "application/grpc-web"}, {"X-Request-Id", "r1"},
       {"Sec-Fetch-Mode", "cors"}, {"x-gigwire-web-client", "6.6.6.6"}, {"X-User-Agent", "ua"},
       {"trace-bin", "AAEC"}, {"grpc-timeout", "1500m"}},
      "10.0.0.7", now);
  ASSERT_TRUE(forwarded.ok()) << forwarded.status();
  EXPECT_THAT(forwarded->metadata,
              ElementsAre(Pair("authorization", "Bearer t"), Pair("x-request-id", "r1"),
                          Pair("x-user-agent", "ua"), Pair("trace-bin", std::string("\0\1\2", 3)),
                          Pair("x-gigwire-web-client", "10.0.0.7")));
  EXPECT_EQ(forwarded->deadline, now + absl::Milliseconds(1500));
}

TEST(RequestMetadataTest, NoTimeoutMeansNoDeadline) {
  absl::StatusOr<ForwardedRequest> forwarded = ForwardedRequestOf({}, "", absl::Now());
  ASSERT_TRUE(forwarded.ok());
  EXPECT_EQ(forwarded->deadline, absl::InfiniteFuture());
  EXPECT_TRUE(forwarded->metadata.empty());
}

TEST(RequestMetadataTest, MalformedTimeoutsBinaryValuesAndNonAsciiValuesAreRefused) {
  for (const HeaderList& headers :
       {HeaderList{{"grpc-timeout", "soon"}}, HeaderList{{"trace-bin", "!!"}},
        HeaderList{{"x-note", "a\tb"}}, HeaderList{{"x-note", "na\xc3\xafve"}},
        HeaderList{{"x-note", std::string("nul\0byte", 8)}}}) {
    absl::StatusOr<ForwardedRequest> forwarded = ForwardedRequestOf(headers, "", absl::Now());
    ASSERT_FALSE(forwarded.ok());
    EXPECT_EQ(ReasonOf(forwarded.status()), v1::MALFORMED_REQUEST);
  }
}

TEST(RequestMetadataTest, PreflightHeaderListsAreHeaderNames) {
  EXPECT_TRUE(IsHeaderNameList(""));
  EXPECT_TRUE(IsHeaderNameList("content-type, x-grpc-web,authorization"));
  EXPECT_FALSE(IsHeaderNameList("content-type\r\nx-injected: 1"));
  EXPECT_FALSE(IsHeaderNameList("a;b"));
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void Write(const std::string& relative, const std::string& text) {
    const std::filesystem::path path = std::filesystem::path(dir_.Path("")) / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  testutil::TempDir dir_;
};

TEST_F(StaticFilesTest, ServesFilesByPathAndIndexForConsoleRoutes) {
  Write("index.html", "<html>");
  Write("assets/app.js", "js");
  Write(".env", "secret");
  absl::StatusOr<StaticFiles> files = StaticFiles::Load(dir_.Path(""), 1 << 20);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->size(), 2u);  // the dotfile is not served
  EXPECT_EQ(files->Find("/")->body, "<html>");
  EXPECT_EQ(files->Find("/assets/app.js?v=2")->body, "js");
  EXPECT_EQ(files->Find("/assets/app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(files->Find("/jobs/job_1")->body, "<html>");  // routed by the console
  EXPECT_EQ(files->Find("/missing.css"), nullptr);
  EXPECT_EQ(files->Find("/.env"), nullptr);
  EXPECT_EQ(files->Find("/../../etc/passwd.txt"), nullptr);
  EXPECT_NE(files->Find("/")->etag, files->Find("/assets/app.js")->etag);
}

TEST_F(StaticFilesTest, RefusesAMissingDirectoryOrTooManyBytes) {
  EXPECT_EQ(StaticFiles::Load(dir_.Path("") + "/nope", 1 << 20).status().code(),
            absl::StatusCode::kNotFound);
  Write("big.js", std::string(2000, 'x'));
  EXPECT_EQ(StaticFiles::Load(dir_.Path(""), 1000).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ContentTypeForTest, KnowsTheConsolesFileTypes) {
  EXPECT_EQ(ContentTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("app.js.map"), "application/json");
  EXPECT_EQ(ContentTypeFor("blob"), "application/octet-stream");
}

}  // namespace
}  // namespace gigwire::web
