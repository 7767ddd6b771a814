#include "server/domain/scheduler.h"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/crypto.h"
#include "server/common/status.h"
#include "server/domain/files.h"
#include "server/testing/marketplace_fixture.h"

namespace gigwire {
namespace {

using testutil::KeyOf;
using testutil::NoKey;

class SchedulerTest : public testutil::MarketplaceTest {
 protected:
  void SetUp() override {
    MarketplaceTest::SetUp();
    seller2_ = NewPrincipal("seller2", {Role::kSeller});
  }

  // Whether the idempotency record of the buyer's CreateJob `request_id` exists.
  absl::StatusOr<RequestRecord> FindCreateJobRecord(const std::string& request_id) {
    absl::StatusOr<RequestRecord> record = absl::UnknownError("not read");
    absl::Status status = store_->Read([&](Tx& tx) -> absl::Status {
      record = tx.request_ids().Find(buyer_.user_id, "CreateJob", request_id);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return record;
  }

  Job CreateJobWithRequestId(const std::string& request_id) {
    return testutil::ValueOrFail(
        jobs_->Create(buyer_, ValidDraft(), KeyOf(buyer_, "CreateJob", request_id, "fp")),
        "creating a job");
  }

  Principal seller2_;
};

// Files are swept at most every file_sweep_interval: an unattached upload a
// day old goes at the next sweep, not at every pass.
TEST_F(SchedulerTest, RunOnceSweepsFilesEveryInterval) {
  FakeClock file_clock(absl::Now());
  std::unique_ptr<BlobStore> blobs =
      testutil::ValueOrFail(BlobStore::Open(dir_.Path("files"), file_clock), "opening blobs");
  Files files(*store_, *blobs, clock_, FileLimits());
  SchedulerConfig config;
  config.file_sweep_interval = absl::Minutes(10);
  Scheduler scheduler(*store_, *jobs_, *offers_, clock_, config, nullptr, nullptr, &files);
  const std::string text = "notes for the seller";
  UploadRequest request{"notes.txt", static_cast<int64_t>(text.size()),
                        HexEncode(Sha256(text)), ""};
  const StoredFile file = testutil::ValueOrFail(
      files.UploadChunk(buyer_, request, 0, text), "uploading").file.value_or(StoredFile{});
  ASSERT_TRUE(scheduler.RunOnce(clock_.Now()).ok());  // the first pass sweeps: nothing is old
  auto advance = [&](absl::Duration d) {
    clock_.Advance(d);
    file_clock.Advance(d);
  };
  advance(absl::Hours(24) - absl::Minutes(5));
  ASSERT_TRUE(scheduler.RunOnce(clock_.Now()).ok());  // a sweep: the file is 23 h 55 min old
  EXPECT_TRUE(files.Get(buyer_, file.id).ok());
  advance(absl::Minutes(6));
  ASSERT_TRUE(scheduler.RunOnce(clock_.Now()).ok());  // a day old, but no sweep yet
  EXPECT_TRUE(files.Get(buyer_, file.id).ok());
  advance(absl::Minutes(5));
  ASSERT_TRUE(scheduler.RunOnce(clock_.Now()).ok());  // 11 min after the last sweep
  EXPECT_TRUE(absl::IsNotFound(files.Get(buyer_, file.id).status()));
  EXPECT_FALSE(blobs->Contains(file.sha256_hex));
}

TEST_F(SchedulerTest, RunOnceExpiresOffersPastTheirTtlAndJobsPastTheirDueTime) {
  Scheduler scheduler(*store_, *jobs_, *offers_, clock_);
  Job soon_due = OpenJob(buyer_, absl::Hours(3));
  std::string short_offer = AssignOne(soon_due.id, seller_, absl::Hours(1));
  std::string long_offer = AssignOne(soon_due.id, seller2_, absl::Hours(48));
  Job later_due = OpenJob(buyer_, absl::Hours(24 * 7));
  std::string later_offer = AssignOne(later_due.id, seller_, absl::Hours(1));

  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(scheduler.RunOnce(clock_.Now()).ok());
  EXPECT_EQ(StoredOffer(short_offer).state, OfferState::kExpired);
  EXPECT_EQ(StoredOffer(later_offer).state, OfferState::kExpired);
  EXPECT_EQ(StoredOffer(long_offer).state, OfferState::kPending);
  EXPECT_EQ(StoredJob(soon_due.id).state, JobState::kOpen);
  EXPECT_EQ(StoredJob(later_due.id).state, JobState::kOpen);

  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(scheduler.RunOnce(clock_.Now()).ok());
  EXPECT_EQ(StoredJob(soon_due.id).state, JobState::kExpired);
  EXPECT_EQ(StoredOffer(long_offer).state, OfferState::kExpired)
      << "an expiring job takes its pending offers with it";
  EXPECT_EQ(StoredJob(later_due.id).state, JobState::kOpen);
}

TEST_F(SchedulerTest, RunOnceUsesTheTimeItIsGiven) {
  Scheduler scheduler(*store_, *jobs_, *offers_, clock_);
  Job job = OpenJob(buyer_, absl::Hours(1));
  std::string offer = AssignOne(job.id, seller_, absl::Minutes(10));
  ASSERT_TRUE(scheduler.RunOnce(clock_.Now() + absl::Minutes(10)).ok());
  EXPECT_EQ(StoredOffer(offer).state, OfferState::kExpired);
  EXPECT_EQ(StoredJob(job.id).state, JobState::kOpen);
  ASSERT_TRUE(scheduler.RunOnce(clock_.Now() + absl::Hours(1)).ok());
  EXPECT_EQ(StoredJob(job.id).state, JobState::kExpired);
}

TEST_F(SchedulerTest, RunOnceLeavesBookedJobsAndAnsweredOffersAlone) {
  Scheduler scheduler(*store_, *jobs_, *offers_, clock_);
  Job job = OpenJob(buyer_, absl::Hours(1));
  std::vector<Assignment> assignments = AssignSellers(job.id, {seller_, seller2_}, absl::Hours(1));
  ASSERT_EQ(assignments.size(), 2u);
  ASSERT_TRUE(offers_->Accept(seller_, assignments[0].offer_id, NoKey()).ok());

  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(scheduler.RunOnce(clock_.Now()).ok());
  EXPECT_EQ(StoredJob(job.id).state, JobState::kBooked);
  EXPECT_EQ(StoredOffer(assignments[0].offer_id).state, OfferState::kAccepted);
  EXPECT_EQ(StoredOffer(assignments[1].offer_id).state, OfferState::kSuperseded);
}

TEST_F(SchedulerTest, RunOnceForgetsRequestIdsOlderThanTheRetention) {
  SchedulerConfig config;
  config.request_id_retention = absl::Hours(24);
  Scheduler scheduler(*store_, *jobs_, *offers_, clock_, config);

  Job old_job = CreateJobWithRequestId("old");
  clock_.Advance(absl::Hours(1));
  Job edge_job = CreateJobWithRequestId("edge");
  clock_.Advance(absl::Hours(22));
  Job recent_job = CreateJobWithRequestId("recent");
  clock_.Advance(absl::Hours(1));  // old: 24h, edge: 23h, recent: 1h

  ASSERT_TRUE(scheduler.RunOnce(clock_.Now()).ok());
  EXPECT_TRUE(FindCreateJobRecord("old").ok()) << "exactly the retention old is kept";
  EXPECT_TRUE(FindCreateJobRecord("edge").ok());

  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(scheduler.RunOnce(clock_.Now()).ok());
  EXPECT_TRUE(absl::IsNotFound(FindCreateJobRecord("old").status()));
  EXPECT_TRUE(FindCreateJobRecord("edge").ok());
  EXPECT_TRUE(FindCreateJobRecord("recent").ok());

  // A forgotten id is new again; a remembered one still replays.
  EXPECT_NE(CreateJobWithRequestId("old").id, old_job.id);
  EXPECT_EQ(CreateJobWithRequestId("recent").id, recent_job.id);
  EXPECT_EQ(StoredJob(old_job.id).state, JobState::kPendingReview) << "jobs are not touched";
}

TEST_F(SchedulerTest, RunOnceWithNothingToDoSucceeds) {
  Scheduler scheduler(*store_, *jobs_, *offers_, clock_);
  EXPECT_TRUE(scheduler.RunOnce(clock_.Now()).ok());
}

TEST_F(SchedulerTest, StartRunsPassesInTheBackgroundUntilStopped) {
  SchedulerConfig config;
  config.interval = absl::Milliseconds(1);
  Scheduler scheduler(*store_, *jobs_, *offers_, clock_, config);
  Job job = OpenJob(buyer_);
  std::string offer = AssignOne(job.id, seller_, absl::Minutes(5));
  clock_.Advance(absl::Minutes(5));

  scheduler.Start();
  // Liveness only: wait for a pass (bounded so a broken loop fails, not hangs).
  bool expired = false;
  for (int i = 0; i < 60'000 && !expired; ++i) {
    expired = StoredOffer(offer).state == OfferState::kExpired;
    if (!expired) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  scheduler.Stop();
  scheduler.Stop();  // idempotent
  EXPECT_TRUE(expired);
}

}  // namespace
}  // namespace gigwire
