// Files in the domain on the real SQLite store and a real blob store: every
// bad upload gets its code and reason and stores nothing (no row, no blob, no
// temporary file); resuming by offset; request_id replays; the quota and the
// limit of uploads at a time; downloads and lists visible by what a file is
// attached to (a hidden message's files to no participant); attaching once,
// on deliveries and milestone submissions in the same transaction; the
// sweeps after a restart and on the scheduler.
#include "server/domain/files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/auth/crypto.h"
#include "server/domain/file_access.h"
#include "server/domain/milestones.h"
#include "server/testing/marketplace_fixture.h"

namespace gigwire {
namespace {

using testutil::HasError;
using testutil::IsInvalidState;
using testutil::NoKey;
using testutil::ValueOrFail;
using testutil::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Sha(absl::string_view data) { return HexEncode(Sha256(data)); }

// A PNG's signature and IHDR chunk, then filler up to `size` bytes.
std::string Png(size_t size, char fill = 'p') {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
  png.append(std::string(13 + 4, '\1'));
  if (png.size() < size) png.append(size - png.size(), fill);
  png.resize(size);
  return png;
}

UploadRequest RequestFor(absl::string_view name, absl::string_view data,
                         std::string request_id = "") {
  return UploadRequest{std::string(name), static_cast<int64_t>(data.size()), Sha(data),
                       std::move(request_id)};
}

// Regular files under `dir`, recursively (0 when it does not exist).
int CountFiles(const std::string& dir) {
  std::error_code error;
  if (!std::filesystem::exists(dir, error)) return 0;
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) ++count;
  }
  return count;
}

std::string Reason(const absl::Status& status, const std::string& key) {
  const v1::ErrorDetails details = ErrorDetailsOf(status);
  auto it = details.metadata().find(key);
  return it == details.metadata().end() ? "" : it->second;
}

class FilesTest : public testutil::MarketplaceTest {
 protected:
  void SetUp() override {
    MarketplaceTest::SetUp();
    OpenFiles(FileLimits());
    stranger_ = NewPrincipal("stranger", {Role::kBuyer, Role::kSeller});
  }

  void OpenFiles(FileLimits limits) {
    files_.reset();
    blobs_ = ValueOrFail(BlobStore::Open(dir_.Path("files"), blob_clock_), "opening blobs");
    files_ = std::make_unique<Files>(*store_, *blobs_, clock_, limits);
  }

  // UploadStream with `chunks`, then the stream's end: clean, or `end`.
  absl::StatusOr<StoredFile> Stream(const Principal& who, const UploadRequest& request,
                                    std::vector<std::string> chunks, int64_t offset = 0,
                                    absl::Status end = absl::OkStatus()) {
    size_t next = 0;
    auto source = [&]() -> absl::StatusOr<std::optional<std::string>> {
      if (next < chunks.size()) return chunks[next++];
      if (!end.ok()) return end;
      return std::nullopt;
    };
    return files_->UploadStream(who, request, offset, source);
  }

  StoredFile Upload(const Principal& who, const std::string& data,
                    absl::string_view name = "picture.png") {
    return ValueOrFail(Stream(who, RequestFor(name, data), {data}), "uploading");
  }

  int Objects() { return CountFiles(dir_.Path("files/objects")); }
  int Temporaries() { return CountFiles(dir_.Path("files/tmp")); }
  int64_t StoredBytesOf(const Principal& who) {
    return ReadOrFail<int64_t>([&](Tx& tx) { return tx.files().TotalBytesOf(who.user_id); },
                               "summing files");
  }
  StoredFile StoredFileRow(const std::string& id) {
    return ReadOrFail<StoredFile>([&](Tx& tx) { return tx.files().FindById(id); }, "reading");
  }

  // No row, no blob, no temporary file, no upload in progress.
  void ExpectNothingStored(const Principal& who) {
    EXPECT_EQ(StoredBytesOf(who), 0);
    EXPECT_EQ(Objects(), 0);
    EXPECT_EQ(Temporaries(), 0);
    EXPECT_EQ(files_->uploads_in_progress(), 0);
  }

  Gig InsertGig(const Principal& seller, GigState state) {
    Gig gig;
    gig.id = NewId("gig");
    gig.seller_id = seller.user_id;
    gig.title = "A logo in three days";
    gig.description = "Three drafts, two revisions.";
    gig.category_id = category_;
    gig.price = {"USD", 5'000};
    gig.state = state;
    gig.create_time = gig.update_time = clock_.Now();
    absl::Status inserted = store_->Write([&](Tx& tx) { return tx.gigs().Insert(gig); });
    EXPECT_TRUE(inserted.ok()) << inserted;
    return gig;
  }

  PortfolioItem InsertPortfolioItem(const Principal& seller) {
    PortfolioItem item;
    item.id = NewId("pfi");
    item.seller_id = seller.user_id;
    item.title = "A shop's logo";
    item.create_time = item.update_time = clock_.Now();
    absl::Status inserted = store_->Write([&](Tx& tx) { return tx.portfolio().Insert(item); });
    EXPECT_TRUE(inserted.ok()) << inserted;
    return item;
  }

  FakeClock blob_clock_{absl::Now()};  // file times follow the wall clock
  std::unique_ptr<BlobStore> blobs_;
  std::unique_ptr<Files> files_;
  Principal stranger_;
};

// ---- uploads ----

TEST_F(FilesTest, AStreamedUploadStoresTheBlobThenTheRow) {
  const std::string png = Png(3 * 1000 + 17);
  absl::StatusOr<StoredFile> file =
      Stream(seller_, RequestFor("logo.png", png), {png.substr(0, 1000), png.substr(1000)});
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_THAT(file->id, HasSubstr("fil_"));
  EXPECT_EQ(file->owner_id, seller_.user_id);
  EXPECT_EQ(file->content_type, "image/png");
  EXPECT_EQ(file->size_bytes, static_cast<int64_t>(png.size()));
  EXPECT_EQ(file->sha256_hex, Sha(png));
  EXPECT_EQ(file->attached_kind, AttachmentKind::kNone);
  EXPECT_EQ(StoredFileRow(file->id).name, "logo.png");
  EXPECT_TRUE(blobs_->Contains(Sha(png)));
  EXPECT_EQ(Temporaries(), 0);
  EXPECT_EQ(files_->uploads_in_progress(), 0);
}

TEST_F(FilesTest, TheTypeComesFromTheBytesAndTheNameIsSanitized) {
  const std::string text = "Meeting notes\nUTF-8: caf\xc3\xa9\n";
  absl::StatusOr<StoredFile> file =
      Stream(buyer_, RequestFor("  ../etc/pass\x01wd\xe2\x80\xaegnp.txt ", text), {text});
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(file->name, ".._etc_pass_wd_gnp.txt");
  EXPECT_EQ(SanitizeFileName(".."), "_");
}

TEST_F(FilesTest, AUnaryUploadInOneCallNeedsNoRequestId) {
  const std::string png = Png(500);
  absl::StatusOr<UploadProgress> done =
      files_->UploadChunk(seller_, RequestFor("a.png", png), 0, png);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->received_bytes, 500);
  ASSERT_TRUE(done->file.has_value());
  EXPECT_EQ(done->file->content_type, "image/png");

  const UploadRequest request = RequestFor("a.png", png);
  absl::Status split = files_->UploadChunk(seller_, request, 0, png.substr(0, 100)).status();
  EXPECT_TRUE(HasError(split, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(split), ElementsAre("header.request_id"));
}

TEST_F(FilesTest, BadHeadersAreInvalidFieldsAndStoreNothing) {
  const std::string png = Png(100);
  UploadRequest bad{"", 0, "not-a-digest", std::string(101, 'r')};
  absl::Status status = Stream(seller_, bad, {png}).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("header.name", "header.size_bytes",
                                                  "header.sha256", "header.request_id"));
  UploadRequest long_name = RequestFor(std::string(256, 'n'), png);
  EXPECT_THAT(ViolatedFields(Stream(seller_, long_name, {png}).status()),
              ElementsAre("header.name"));
  UploadRequest not_utf8 = RequestFor("bad\xff.png", png);
  EXPECT_THAT(ViolatedFields(Stream(seller_, not_utf8, {png}).status()),
              ElementsAre("header.name"));
  absl::Status negative = Stream(seller_, RequestFor("a.png", png), {png}, -1).status();
  EXPECT_THAT(ViolatedFields(negative), ElementsAre("header.offset"));
  ExpectNothingStored(seller_);
}

TEST_F(FilesTest, OverTheSizeLimitIsFileTooLarge) {
  FileLimits limits;
  limits.max_upload_bytes = 1000;
  OpenFiles(limits);
  const std::string png = Png(1001);
  absl::Status status = Stream(seller_, RequestFor("big.png", png), {png}).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::FILE_TOO_LARGE));
  EXPECT_EQ(Reason(status, "limit"), "1000");
  ExpectNothingStored(seller_);
}

TEST_F(FilesTest, ASpoofedTypeIsRefusedFromTheFirstBytes) {
  std::string elf = absl::StrCat("\x7f" "ELF", std::string("\2\1\1\0", 4), std::string(200, 'x'));
  absl::Status status = Stream(seller_, RequestFor("holiday.png", elf), {elf}).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::FILE_TYPE_NOT_ALLOWED));
  EXPECT_THAT(status.message(), HasSubstr("ELF"));
  EXPECT_THAT(Reason(status, "detected"), HasSubstr("ELF"));

  const std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>";
  status = Stream(seller_, RequestFor("icon.png", svg), {svg}).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::FILE_TYPE_NOT_ALLOWED));
  ExpectNothingStored(seller_);
}

TEST_F(FilesTest, TextThatStopsBeingUtf8PastTheHeadIsRefused) {
  const std::string text = std::string(kContentSniffBytes + 3000, 'a') + "\xff" + "tail";
  absl::Status status =
      Stream(seller_, RequestFor("notes.txt", text),
             {text.substr(0, 3000), text.substr(3000, 2000), text.substr(5000)})
          .status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::FILE_TYPE_NOT_ALLOWED));
  // Ending inside a character is not text either.
  const std::string cut = std::string(kContentSniffBytes + 10, 'a') + "\xc3";
  status = Stream(seller_, RequestFor("notes.txt", cut), {cut}).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::FILE_TYPE_NOT_ALLOWED));
  ExpectNothingStored(seller_);
}

TEST_F(FilesTest, AWrongChecksumIsChecksumMismatch) {
  const std::string png = Png(2000);
  UploadRequest request = RequestFor("a.png", png);
  request.sha256 = Sha("other bytes");
  absl::Status status = Stream(seller_, request, {png}).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::CHECKSUM_MISMATCH));
  ExpectNothingStored(seller_);

  request.request_id = "resumable";
  status = files_->UploadChunk(seller_, request, 0, png).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::CHECKSUM_MISMATCH));
  ExpectNothingStored(seller_);
}

TEST_F(FilesTest, AChunkAfterTheEndIsUploadSizeMismatch) {
  const std::string png = Png(1000);
  // A stream that goes on after the declared size.
  absl::Status status = Stream(seller_, RequestFor("a.png", png), {png, "x"}).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::UPLOAD_SIZE_MISMATCH));
  ExpectNothingStored(seller_);
  // Unary: a chunk that passes the end of an upload in progress drops it.
  const UploadRequest request = RequestFor("a.png", png, "req-over");
  ASSERT_TRUE(files_->UploadChunk(seller_, request, 0, png.substr(0, 600)).ok());
  status = files_->UploadChunk(seller_, request, 600, png.substr(600) + "extra").status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::UPLOAD_SIZE_MISMATCH));
  ExpectNothingStored(seller_);
  EXPECT_TRUE(absl::IsNotFound(files_->GetUpload(seller_, "req-over").status()));
  // Unary: a chunk after a finished upload's end.
  const UploadRequest done = RequestFor("a.png", png, "req-done");
  ASSERT_TRUE(files_->UploadChunk(seller_, done, 0, png).ok());
  status = files_->UploadChunk(seller_, done, 1000, "x").status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::UPLOAD_SIZE_MISMATCH));
}

TEST_F(FilesTest, AStreamThatEndsEarlyIsUploadSizeMismatch) {
  const std::string png = Png(1000);
  absl::Status status = Stream(seller_, RequestFor("a.png", png), {png.substr(0, 400)}).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::UPLOAD_SIZE_MISMATCH));
  EXPECT_THAT(status.message(), HasSubstr("400 of its 1000"));
  ExpectNothingStored(seller_);
}

TEST_F(FilesTest, BadChunksAreInvalidFields) {
  const std::string png = Png(1000);
  absl::Status empty = Stream(seller_, RequestFor("a.png", png), {""}).status();
  EXPECT_THAT(ViolatedFields(empty), ElementsAre("chunk"));
  const std::string big = Png(kMaxUploadChunkBytes + 1);
  absl::Status too_big = Stream(seller_, RequestFor("a.png", big), {big}).status();
  EXPECT_THAT(ViolatedFields(too_big), ElementsAre("chunk"));
  absl::Status unary =
      files_->UploadChunk(seller_, RequestFor("a.png", big, "r"), 0, big).status();
  EXPECT_THAT(ViolatedFields(unary), ElementsAre("data"));
  ExpectNothingStored(seller_);
}

TEST_F(FilesTest, TheQuotaCountsStoredBytesAndUploadsInProgress) {
  FileLimits limits;
  limits.storage_quota_bytes = 2500;
  OpenFiles(limits);
  Upload(seller_, Png(1000));
  const std::string second = Png(1000, 'q');
  ASSERT_TRUE(files_->UploadChunk(seller_, RequestFor("b.png", second, "b"), 0, "").ok());
  const std::string third = Png(600, 'r');
  absl::Status status = Stream(seller_, RequestFor("c.png", third), {third}).status();
  EXPECT_TRUE(
      HasError(status, absl::StatusCode::kResourceExhausted, v1::STORAGE_QUOTA_EXCEEDED));
  EXPECT_EQ(Reason(status, "limit"), "2500");
  EXPECT_EQ(Reason(status, "used"), "2000");
  EXPECT_EQ(StoredBytesOf(seller_), 1000);
  EXPECT_EQ(Objects(), 1);
  // Another user's quota is their own.
  EXPECT_TRUE(Stream(buyer_, RequestFor("c.png", third), {third}).ok());
}

TEST_F(FilesTest, AtMostFourUploadsAtATimePerUser) {
  const std::string png = Png(1000);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(files_->UploadChunk(seller_, RequestFor("a.png", png, absl::StrCat("u", i)), 0,
                                    png.substr(0, 10))
                    .ok());
  }
  absl::Status fifth =
      files_->UploadChunk(seller_, RequestFor("a.png", png, "u4"), 0, png.substr(0, 10)).status();
  EXPECT_TRUE(HasError(fifth, absl::StatusCode::kResourceExhausted, v1::RATE_LIMITED));
  EXPECT_THAT(fifth.message(), HasSubstr("at most 4 uploads in progress"));
  EXPECT_TRUE(Stream(buyer_, RequestFor("a.png", png), {png}).ok());  // per user
  // Finishing one makes room.
  ASSERT_TRUE(files_->UploadChunk(seller_, RequestFor("a.png", png, "u0"), 10, png.substr(10)).ok());
  EXPECT_TRUE(
      files_->UploadChunk(seller_, RequestFor("a.png", png, "u4"), 0, png.substr(0, 10)).ok());
}

TEST_F(FilesTest, ACutStreamResumesFromWhereTheServerStands) {
  const std::string png = Png(5000);
  const UploadRequest request = RequestFor("a.png", png, "resume-1");
  absl::Status cut = Stream(seller_, request, {png.substr(0, 2000), png.substr(2000, 1000)}, 0,
                            absl::CancelledError("the client went away"))
                         .status();
  EXPECT_TRUE(absl::IsCancelled(cut));
  UploadProgress held = ValueOrFail(files_->GetUpload(seller_, "resume-1"), "GetUpload");
  EXPECT_EQ(held.received_bytes, 3000);
  EXPECT_EQ(held.size_bytes, 5000);
  EXPECT_FALSE(held.file.has_value());
  EXPECT_EQ(Temporaries(), 1);
  // A resume from the wrong place says where the upload stands.
  absl::Status wrong = Stream(seller_, request, {png.substr(2000)}, 2000).status();
  EXPECT_TRUE(
      HasError(wrong, absl::StatusCode::kFailedPrecondition, v1::UPLOAD_OFFSET_MISMATCH));
  EXPECT_EQ(Reason(wrong, "received_bytes"), "3000");
  // Unary from there on, then the stream again from its offset.
  ASSERT_TRUE(files_->UploadChunk(seller_, request, 3000, png.substr(3000, 1000)).ok());
  absl::StatusOr<StoredFile> file = Stream(seller_, request, {png.substr(4000)}, 4000);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->sha256_hex, Sha(png));
  EXPECT_EQ(Temporaries(), 0);
  EXPECT_EQ(files_->uploads_in_progress(), 0);
  // Another user has no such upload.
  EXPECT_TRUE(HasError(files_->GetUpload(buyer_, "resume-1").status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
}

TEST_F(FilesTest, AResumeWithAnotherHeaderIsRefused) {
  const std::string png = Png(5000);
  ASSERT_TRUE(
      files_->UploadChunk(seller_, RequestFor("a.png", png, "r1"), 0, png.substr(0, 10)).ok());
  absl::Status other =
      files_->UploadChunk(seller_, RequestFor("b.png", png, "r1"), 10, png.substr(10)).status();
  EXPECT_THAT(ViolatedFields(other), ElementsAre("header.request_id"));
  EXPECT_EQ(ValueOrFail(files_->GetUpload(seller_, "r1"), "GetUpload").received_bytes, 10);
}

TEST_F(FilesTest, TheSameRequestIdReturnsTheSameFile) {
  const std::string png = Png(3000);
  const UploadRequest request = RequestFor("a.png", png, "once");
  StoredFile first = ValueOrFail(Stream(seller_, request, {png}), "uploading");
  StoredFile again = ValueOrFail(Stream(seller_, request, {png}), "uploading again");
  EXPECT_EQ(again.id, first.id);
  UploadProgress unary = ValueOrFail(files_->UploadChunk(seller_, request, 2000,
                                                         png.substr(2000)),
                                     "the last chunk again");
  ASSERT_TRUE(unary.file.has_value());
  EXPECT_EQ(unary.file->id, first.id);
  EXPECT_EQ(ValueOrFail(files_->GetUpload(seller_, "once"), "GetUpload").file->id, first.id);
  EXPECT_EQ(StoredBytesOf(seller_), 3000);
  absl::Status other = Stream(seller_, RequestFor("b.png", png, "once"), {png}).status();
  EXPECT_THAT(ViolatedFields(other), ElementsAre("header.request_id"));
}

TEST_F(FilesTest, IdenticalUploadsShareOneBlob) {
  const std::string png = Png(1000);
  StoredFile a = Upload(seller_, png);
  StoredFile b = Upload(buyer_, png);
  EXPECT_NE(a.id, b.id);
  EXPECT_EQ(Objects(), 1);
}

// ---- reading ----

TEST_F(FilesTest, AnUnattachedFileIsItsOwnersAndAdmins) {
  StoredFile file = Upload(seller_, Png(1000));
  EXPECT_TRUE(files_->Get(seller_, file.id).ok());
  EXPECT_TRUE(files_->Get(admin_, file.id).ok());
  EXPECT_TRUE(HasError(files_->Get(buyer_, file.id).status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(files_->OpenDownload(buyer_, file.id, 0).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(files_->Get(buyer_, "fil_missing").status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
}

TEST_F(FilesTest, ADownloadStreamsFromItsOffset) {
  const std::string png = Png(300'000);
  StoredFile file = Upload(seller_, png);
  FileDownload download = ValueOrFail(files_->OpenDownload(seller_, file.id, 1000), "opening");
  std::string read;
  while (true) {
    std::string chunk = ValueOrFail(download.reader->Read(kDownloadChunkBytes), "reading");
    if (chunk.empty()) break;
    read += chunk;
  }
  EXPECT_EQ(read, png.substr(1000));
  FileDownload at_end = ValueOrFail(files_->OpenDownload(seller_, file.id, 300'000), "at end");
  EXPECT_EQ(ValueOrFail(at_end.reader->Read(10), "reading").size(), 0u);
  absl::Status past = files_->OpenDownload(seller_, file.id, 300'001).status();
  EXPECT_TRUE(HasError(past, absl::StatusCode::kOutOfRange, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(past), ElementsAre("offset"));
}

TEST_F(FilesTest, ADeliverysFilesAreTheBookingParties) {
  Booking booking = ActiveBooking(buyer_, seller_);
  StoredFile file = Upload(seller_, Png(1000));
  ASSERT_TRUE(bookings_->Deliver(seller_, booking.id, "Done", NoKey(), {file.id}).ok());
  StoredFile attached = StoredFileRow(file.id);
  EXPECT_EQ(attached.attached_kind, AttachmentKind::kDelivery);
  EXPECT_EQ(attached.attached_to_id, booking.id);
  EXPECT_TRUE(attached.attach_time.has_value());
  for (const Principal& who : {buyer_, seller_, admin_}) {
    EXPECT_TRUE(files_->OpenDownload(who, file.id, 0).ok());
    std::vector<StoredFile> listed =
        ValueOrFail(files_->List(who, AttachmentKind::kDelivery, booking.id), "listing");
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].id, file.id);
  }
  EXPECT_TRUE(HasError(files_->Get(stranger_, file.id).status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(files_->List(stranger_, AttachmentKind::kDelivery, booking.id).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_THAT(ViolatedFields(files_->List(buyer_, AttachmentKind::kNone, "").status()),
              ElementsAre("attached_kind", "attached_to_id"));
}

TEST_F(FilesTest, AHiddenMessagesFilesReachNoParticipant) {
  Booking booking = ActiveBooking(buyer_, seller_);
  StoredFile file = Upload(seller_, Png(1000));
  Conversation conversation;
  conversation.id = NewId("cnv");
  conversation.job_id = booking.job_id;
  conversation.booking_id = booking.id;
  conversation.buyer_id = buyer_.user_id;
  conversation.seller_id = seller_.user_id;
  conversation.create_time = conversation.update_time = conversation.last_activity_time =
      clock_.Now();
  Message message;
  message.id = NewId("msg");
  message.conversation_id = conversation.id;
  message.sender_id = seller_.user_id;
  message.text = "The draft";
  message.attachment_ids = {file.id};
  message.create_time = clock_.Now();
  ASSERT_TRUE(store_->Write([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.conversations().Insert(conversation));
    return tx.messages().Append(message).status();
  }).ok());
  EXPECT_TRUE(files_->Get(buyer_, file.id).ok());
  EXPECT_TRUE(files_->List(buyer_, AttachmentKind::kMessage, message.id).ok());
  EXPECT_TRUE(HasError(files_->Get(stranger_, file.id).status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));

  ASSERT_TRUE(store_->Write([&](Tx& tx) {
    return tx.messages().Hide(message.id, admin_.user_id, "personal data", clock_.Now());
  }).ok());
  for (const Principal& participant : {buyer_, seller_}) {
    EXPECT_TRUE(HasError(files_->Get(participant, file.id).status(), absl::StatusCode::kNotFound,
                         v1::RESOURCE_NOT_FOUND));
    EXPECT_TRUE(HasError(files_->OpenDownload(participant, file.id, 0).status(),
                         absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
    EXPECT_TRUE(
        HasError(files_->List(participant, AttachmentKind::kMessage, message.id).status(),
                 absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  }
  EXPECT_TRUE(files_->OpenDownload(admin_, file.id, 0).ok());
}

TEST_F(FilesTest, GigImagesArePublicOnceApproved) {
  Gig draft = InsertGig(seller_, GigState::kDraft);
  Gig approved = InsertGig(seller_, GigState::kApproved);
  StoredFile on_draft = Upload(seller_, Png(1000, 'a'));
  StoredFile on_approved = Upload(seller_, Png(1000, 'b'));
  ASSERT_TRUE(files_->Attach(seller_, on_draft.id, AttachmentKind::kGig, draft.id).ok());
  ASSERT_TRUE(files_->Attach(seller_, on_approved.id, AttachmentKind::kGig, approved.id).ok());
  EXPECT_TRUE(files_->Get(stranger_, on_approved.id).ok());
  EXPECT_TRUE(files_->List(stranger_, AttachmentKind::kGig, approved.id).ok());
  EXPECT_TRUE(HasError(files_->Get(stranger_, on_draft.id).status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(files_->List(stranger_, AttachmentKind::kGig, draft.id).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(files_->Get(seller_, on_draft.id).ok());
  EXPECT_TRUE(files_->Get(admin_, on_draft.id).ok());
}

TEST_F(FilesTest, PortfolioImagesAreForAnyoneSignedIn) {
  PortfolioItem item = InsertPortfolioItem(seller_);
  StoredFile file = Upload(seller_, Png(1000));
  ASSERT_TRUE(files_->Attach(seller_, file.id, AttachmentKind::kPortfolioItem, item.id).ok());
  EXPECT_TRUE(files_->Get(stranger_, file.id).ok());
  EXPECT_TRUE(files_->List(buyer_, AttachmentKind::kPortfolioItem, item.id).ok());
}

// ---- attaching ----

TEST_F(FilesTest, AFileAttachesOnce) {
  Gig gig = InsertGig(seller_, GigState::kApproved);
  Gig other = InsertGig(seller_, GigState::kApproved);
  StoredFile file = Upload(seller_, Png(1000));
  StoredFile attached =
      ValueOrFail(files_->Attach(seller_, file.id, AttachmentKind::kGig, gig.id), "attaching");
  EXPECT_EQ(attached.attached_kind, AttachmentKind::kGig);
  // Again to the same gig: the same file (a retry); elsewhere: refused.
  EXPECT_TRUE(files_->Attach(seller_, file.id, AttachmentKind::kGig, gig.id).ok());
  EXPECT_TRUE(IsInvalidState(
      files_->Attach(seller_, file.id, AttachmentKind::kGig, other.id).status(), "GIG"));
  Booking booking = ActiveBooking(buyer_, seller_);
  EXPECT_TRUE(IsInvalidState(
      bookings_->Deliver(seller_, booking.id, "Done", NoKey(), {file.id}).status(), "GIG"));
  EXPECT_EQ(StoredBooking(booking.id).state, BookingState::kActive);
}

TEST_F(FilesTest, AttachFileTakesOwnImagesOnOwnGigsAndItems) {
  Gig gig = InsertGig(seller_, GigState::kApproved);
  Gig theirs = InsertGig(stranger_, GigState::kApproved);
  StoredFile image = Upload(seller_, Png(1000));
  const std::string pdf = "%PDF-1.7\n" + std::string(100, 'x');
  StoredFile document = Upload(seller_, pdf, "brief.pdf");
  StoredFile foreign = Upload(stranger_, Png(1000, 'z'));
  EXPECT_TRUE(HasError(files_->Attach(seller_, document.id, AttachmentKind::kGig, gig.id).status(),
                       absl::StatusCode::kInvalidArgument, v1::FILE_TYPE_NOT_ALLOWED));
  EXPECT_TRUE(HasError(files_->Attach(seller_, image.id, AttachmentKind::kGig, theirs.id).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(files_->Attach(seller_, foreign.id, AttachmentKind::kGig, gig.id).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_THAT(
      ViolatedFields(files_->Attach(seller_, image.id, AttachmentKind::kMessage, "msg_1").status()),
      ElementsAre("attached_kind"));
  EXPECT_EQ(StoredFileRow(image.id).attached_kind, AttachmentKind::kNone);
}

TEST_F(FilesTest, AnObjectHoldsAtMostTenFiles) {
  Gig gig = InsertGig(seller_, GigState::kApproved);
  for (int i = 0; i < kMaxAttachmentsPerObject; ++i) {
    StoredFile file = Upload(seller_, Png(100 + i));
    ASSERT_TRUE(files_->Attach(seller_, file.id, AttachmentKind::kGig, gig.id).ok());
  }
  StoredFile eleventh = Upload(seller_, Png(99));
  EXPECT_TRUE(IsInvalidState(
      files_->Attach(seller_, eleventh.id, AttachmentKind::kGig, gig.id).status(), "10 files"));
  EXPECT_EQ(ValueOrFail(files_->List(seller_, AttachmentKind::kGig, gig.id), "listing").size(),
            10u);
}

TEST_F(FilesTest, ADeliveryAttachesOnlyTheSellersOwnFilesOrNothing) {
  Booking booking = ActiveBooking(buyer_, seller_);
  StoredFile mine = Upload(seller_, Png(1000, 'm'));
  StoredFile theirs = Upload(buyer_, Png(1000, 't'));
  absl::Status status =
      bookings_->Deliver(seller_, booking.id, "Done", NoKey(), {mine.id, theirs.id}).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_EQ(StoredBooking(booking.id).state, BookingState::kActive);
  EXPECT_EQ(StoredFileRow(mine.id).attached_kind, AttachmentKind::kNone);
  status = bookings_->Deliver(seller_, booking.id, "Done", NoKey(), {mine.id, mine.id}).status();
  EXPECT_THAT(ViolatedFields(status), ElementsAre("attachment_ids[1]"));
  std::vector<std::string> eleven(11, mine.id);
  status = bookings_->Deliver(seller_, booking.id, "Done", NoKey(), eleven).status();
  EXPECT_THAT(ViolatedFields(status), ElementsAre("attachment_ids"));
  EXPECT_TRUE(bookings_->Deliver(seller_, booking.id, "Done", NoKey(), {mine.id}).ok());
}

TEST_F(FilesTest, AMilestoneSubmissionAttachesInItsTransaction) {
  Booking booking = ActiveBooking(buyer_, seller_);
  Milestone milestone = ReadOrFail<std::vector<Milestone>>(
      [&](Tx& tx) { return tx.milestones().ListByBooking(booking.id); }, "milestones")[0];
  milestone.state = MilestoneState::kFunded;  // as a confirmed payment leaves it
  ASSERT_TRUE(store_->Write([&](Tx& tx) {
    return tx.milestones().Update(milestone, milestone.version);
  }).ok());
  MilestoneMover mover(clock_, outbox_, MoneySettings());
  Milestones milestones(*store_, mover);
  StoredFile theirs = Upload(buyer_, Png(1000, 't'));
  EXPECT_TRUE(HasError(
      milestones.Submit(seller_, milestone.id, "Here", NoKey(), {theirs.id}).status(),
      absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_EQ(ValueOrFail(milestones.Get(seller_, milestone.id), "reading").state,
            MilestoneState::kFunded);
  StoredFile file = Upload(seller_, Png(1000));
  ASSERT_TRUE(milestones.Submit(seller_, milestone.id, "Here", NoKey(), {file.id}).ok());
  EXPECT_EQ(StoredFileRow(file.id).attached_kind, AttachmentKind::kMilestone);
  EXPECT_TRUE(files_->Get(buyer_, file.id).ok());
  EXPECT_TRUE(files_->List(buyer_, AttachmentKind::kMilestone, milestone.id).ok());
  EXPECT_TRUE(HasError(files_->Get(stranger_, file.id).status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
}

// ---- sweeps ----

TEST_F(FilesTest, UnattachedFilesGoAfterADayAndTheirBlobsWithThem) {
  const std::string shared = Png(1000, 's');
  StoredFile kept = Upload(seller_, shared);
  StoredFile dropped = Upload(buyer_, shared);
  StoredFile alone = Upload(buyer_, Png(1000, 'a'));
  Booking booking = ActiveBooking(buyer_, seller_);
  ASSERT_TRUE(bookings_->Deliver(seller_, booking.id, "Done", NoKey(), {kept.id}).ok());
  EXPECT_EQ(Objects(), 2);

  clock_.Advance(absl::Hours(23));
  blob_clock_.Advance(absl::Hours(23));
  FileSweepCounts early = ValueOrFail(files_->Sweep(clock_.Now()), "sweeping");
  EXPECT_EQ(early.unattached_files, 0);
  EXPECT_EQ(early.orphan_blobs, 0);

  clock_.Advance(absl::Hours(2));
  blob_clock_.Advance(absl::Hours(2));
  FileSweepCounts swept = ValueOrFail(files_->Sweep(clock_.Now()), "sweeping");
  EXPECT_EQ(swept.unattached_files, 2);
  EXPECT_EQ(swept.orphan_blobs, 1);  // `alone`'s; the shared one still has a row
  EXPECT_TRUE(files_->Get(seller_, kept.id).ok());
  EXPECT_TRUE(absl::IsNotFound(files_->Get(admin_, dropped.id).status()));
  EXPECT_TRUE(blobs_->Contains(Sha(shared)));
  EXPECT_FALSE(blobs_->Contains(alone.sha256_hex));
}

TEST_F(FilesTest, IdleUploadsExpireAfterAnHour) {
  const std::string png = Png(1000);
  ASSERT_TRUE(
      files_->UploadChunk(seller_, RequestFor("a.png", png, "idle"), 0, png.substr(0, 10)).ok());
  clock_.Advance(absl::Minutes(59));
  EXPECT_EQ(ValueOrFail(files_->Sweep(clock_.Now()), "sweeping").expired_uploads, 0);
  EXPECT_TRUE(files_->GetUpload(seller_, "idle").ok());
  clock_.Advance(absl::Minutes(2));
  EXPECT_EQ(ValueOrFail(files_->Sweep(clock_.Now()), "sweeping").expired_uploads, 1);
  EXPECT_TRUE(HasError(files_->GetUpload(seller_, "idle").status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
  ExpectNothingStored(seller_);
}

TEST_F(FilesTest, ARestartRemovesWhatACrashLeft) {
  StoredFile known = Upload(seller_, Png(1000));
  // A blob committed just before a crash, its row never written.
  std::unique_ptr<BlobWriter> orphan = ValueOrFail(blobs_->NewWriter(1 << 20), "writer");
  ASSERT_TRUE(orphan->Append("orphan bytes").ok());
  ASSERT_TRUE(orphan->Commit(Sha("orphan bytes")).ok());
  // An upload cut by the crash: its temporary file stays behind.
  std::unique_ptr<BlobWriter> cut = ValueOrFail(blobs_->NewWriter(1 << 20), "writer");
  ASSERT_TRUE(cut->Append("half a file").ok());
  const std::string tmp_dir = dir_.Path("files/tmp");
  const std::string leftover = tmp_dir + "/left-by-crash.part";
  std::filesystem::copy_file(std::filesystem::directory_iterator(tmp_dir)->path(), leftover);
  cut.reset();
  EXPECT_EQ(Objects(), 2);
  EXPECT_EQ(Temporaries(), 1);

  OpenFiles(FileLimits());  // the restarted server, a moment later
  blob_clock_.Advance(absl::Seconds(1));
  FileSweepCounts recovered = ValueOrFail(files_->RecoverAfterRestart(), "recovering");
  EXPECT_EQ(recovered.orphan_blobs, 1);
  EXPECT_EQ(recovered.stale_temporaries, 1);
  EXPECT_EQ(Objects(), 1);
  EXPECT_EQ(Temporaries(), 0);
  EXPECT_TRUE(blobs_->Contains(known.sha256_hex));
}

}  // namespace
}  // namespace gigwire
