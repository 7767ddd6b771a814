#include "server/files/content_type.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gigwire {
namespace {

using ::testing::HasSubstr;

// A whole small file: head and total size agree.
absl::StatusOr<std::string> Detect(const std::string& file) {
  return DetectContentType(file, file.size());
}

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

std::string Le32(uint32_t v) {
  return Bytes({int(v & 255), int(v >> 8 & 255), int(v >> 16 & 255), int(v >> 24)});
}
std::string Le16(uint16_t v) { return Bytes({v & 255, v >> 8}); }

std::string Garbage(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>((i * 131 + 7) % 256));
  return out;
}

std::string PngHeader() {
  return absl::StrCat("\x89PNG\r\n\x1a\n", Bytes({0, 0, 0, 13}), "IHDR",
                      Bytes({0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0}),
                      Bytes({0x1f, 0x15, 0xc4, 0x89}));
}

// A ZIP local file header (PKWARE APPNOTE 4.3.7) for a stored entry `name`
// holding `data`.
std::string ZipEntry(const std::string& name, const std::string& data) {
  return absl::StrCat("PK", Bytes({3, 4}), Le16(20), Le16(0), Le16(0), Le16(0), Le16(0),
                      Le32(0), Le32(data.size()), Le32(data.size()), Le16(name.size()), Le16(0),
                      name, data);
}

std::string WebpFile(const std::string& chunk_fourcc, size_t payload) {
  std::string body = absl::StrCat("WEBP", chunk_fourcc, Le32(payload), Garbage(payload));
  return absl::StrCat("RIFF", Le32(body.size()), body);
}

void ExpectRefused(const absl::StatusOr<std::string>& result, const std::string& reason_part) {
  ASSERT_FALSE(result.ok()) << "accepted as " << *result;
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr(reason_part));
  EXPECT_THAT(result.status().message(), HasSubstr("allowed: PNG, JPEG"));
}

TEST(ContentTypeTest, RecognisesEachAllowedImageFormat) {
  EXPECT_EQ(Detect(PngHeader() + Garbage(100)).value(), kMimePng);
  std::string jfif = absl::StrCat(Bytes({0xff, 0xd8, 0xff, 0xe0, 0, 16}), "JFIF", Garbage(50));
  EXPECT_EQ(Detect(jfif).value(), kMimeJpeg);
  EXPECT_EQ(Detect(absl::StrCat(Bytes({0xff, 0xd8, 0xff, 0xe1}), "Exif", Garbage(50))).value(),
            kMimeJpeg);
  EXPECT_EQ(Detect(absl::StrCat("GIF89a", Bytes({1, 0, 1, 0, 0x80, 0, 0}), Garbage(20))).value(),
            kMimeGif);
  EXPECT_EQ(Detect(absl::StrCat("GIF87a", Bytes({1, 0, 1, 0, 0, 0, 0}), ";")).value(), kMimeGif);
  EXPECT_EQ(Detect(WebpFile("VP8 ", 40)).value(), kMimeWebp);
  EXPECT_EQ(Detect(WebpFile("VP8L", 41)).value(), kMimeWebp);
  EXPECT_EQ(Detect(WebpFile("VP8X", 10)).value(), kMimeWebp);
}

TEST(ContentTypeTest, RecognisesPdf) {
  std::string pdf = absl::StrCat("%PDF-1.7\n%", Bytes({0xe2, 0xe3, 0xcf, 0xd3}), "\n1 0 obj");
  EXPECT_EQ(Detect(pdf).value(), kMimePdf);
  EXPECT_EQ(Detect("%PDF-2.0\n1 0 obj\n<< >>\nendobj\n").value(), kMimePdf);
  ExpectRefused(Detect("%PDF-x"), "starts like a PDF but is malformed");
}

TEST(ContentTypeTest, RecognisesOfficeDocumentsByTheirZipEntries) {
  std::string types = ZipEntry("[Content_Types].xml", "<Types/>");
  std::string rels = ZipEntry("_rels/.rels", "<Relationships/>");
  std::string docx = types + rels + ZipEntry("word/document.xml", "<w:document/>");
  EXPECT_EQ(Detect(docx).value(), kMimeDocx);
  EXPECT_EQ(Detect(types + ZipEntry("xl/workbook.xml", "<workbook/>")).value(), kMimeXlsx);
  EXPECT_EQ(Detect(types + ZipEntry("ppt/presentation.xml", "<p/>")).value(), kMimePptx);
}

TEST(ContentTypeTest, OtherZipArchivesArePlainZip) {
  EXPECT_EQ(Detect(ZipEntry("hello.txt", "hello") + ZipEntry("docs/word/x.txt", "x")).value(),
            kMimeZip);
  // An OOXML part beyond the head cannot be seen: the archive is still a ZIP.
  std::string head = ZipEntry("[Content_Types].xml", Garbage(kContentSniffBytes));
  std::string file = head + ZipEntry("word/document.xml", "<w:document/>");
  EXPECT_EQ(DetectContentType(file.substr(0, kContentSniffBytes), file.size()).value(), kMimeZip);
  ExpectRefused(Detect(absl::StrCat("PK", Bytes({5, 6}), std::string(18, '\0'))), "empty ZIP");
  ExpectRefused(Detect(absl::StrCat("PK", Bytes({3, 4}), "short")), "starts like a ZIP");
}

TEST(ContentTypeTest, TheSignatureDecidesNotWhatFollows) {
  // A well-formed PNG start followed by garbage (or by a script) is a PNG: it
  // is stored and served as image/png, which no browser runs.
  EXPECT_EQ(Detect(PngHeader() + "<script>alert(1)</script>").value(), kMimePng);
  // A PNG signature without the IHDR chunk the spec requires first is not.
  ExpectRefused(Detect("\x89PNG\r\n\x1a\n" + Garbage(100)), "starts like a PNG but is malformed");
  ExpectRefused(Detect(Bytes({0xff, 0xd8, 0xff, 0x00, 1, 2})), "starts like a JPEG");
  ExpectRefused(Detect("GIF89a"), "starts like a GIF");
  ExpectRefused(Detect(WebpFile("ABCD", 10)), "starts like a WebP");
}

TEST(ContentTypeTest, WebpRiffSizeMustFitTheFile) {
  std::string file = WebpFile("VP8 ", 40);
  file.resize(file.size() - 1);  // the RIFF size now claims one byte more than there is
  ExpectRefused(Detect(file), "starts like a WebP but is malformed");
}

TEST(ContentTypeTest, RecognisesUtf8PlainText) {
  EXPECT_EQ(Detect("Hello, brief attached.\r\n\tThanks!\n").value(), kMimeText);
  EXPECT_EQ(Detect("Caf\xc3\xa9 \xe2\x80\x94 \xe2\x9c\x93 \xf0\x9f\x98\x80").value(), kMimeText);
  EXPECT_EQ(Detect("\xef\xbb\xbfwith a byte order mark").value(), kMimeText);
  EXPECT_EQ(Detect("<3 and a < b are not markup").value(), kMimeText);
  EXPECT_EQ(Detect("#!/bin/sh\necho text, never run\n").value(), kMimeText);
  EXPECT_EQ(kMimeText, "text/plain; charset=utf-8");
}

TEST(ContentTypeTest, TextHeadMayEndInsideACharacterWhenTheFileGoesOn) {
  std::string file = std::string(kContentSniffBytes - 1, 'a') + "\xe2\x82\xac and more";
  EXPECT_EQ(DetectContentType(file.substr(0, kContentSniffBytes), file.size()).value(), kMimeText);
  // The same cut at the end of the whole file is a truncated character.
  std::string truncated = file.substr(0, kContentSniffBytes);
  ExpectRefused(Detect(truncated), "not valid UTF-8");
}

TEST(ContentTypeTest, RefusesInvalidUtf8) {
  for (const std::string& bad : {std::string("caf\xe9 latin-1"), std::string("\xc3\x28"),
                                 std::string("overlong \xc0\xaf"), std::string("\xe0\x80\xaf"),
                                 std::string("surrogate \xed\xa0\x80"),
                                 std::string("too big \xf4\x90\x80\x80"),
                                 std::string("lone continuation \x80"), std::string("\xff\xfe")}) {
    ExpectRefused(Detect(bad), "not valid UTF-8");
  }
}

TEST(ContentTypeTest, RefusesTextWithNulBytes) {
  ExpectRefused(Detect(std::string("text\0with a NUL", 15)), "unrecognised file type");
  // UTF-16 is refused by the same rule.
  ExpectRefused(Detect(std::string("\xff\xfeh\0i\0", 6)), "unrecognised file type");
}

TEST(ContentTypeTest, RefusesExecutables) {
  ExpectRefused(Detect(absl::StrCat("\x7f" "ELF", Bytes({2, 1, 1, 0}), std::string(8, '\0'))),
                "executable files (ELF)");
  ExpectRefused(Detect(absl::StrCat("MZ", Bytes({0x90, 0, 3, 0, 0, 0}), "This program")),
                "Windows executables");
  ExpectRefused(Detect(absl::StrCat(Bytes({0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1}))), "Mach-O");
  ExpectRefused(Detect(absl::StrCat(Bytes({0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52}))), "Java class");
}

TEST(ContentTypeTest, RefusesHtmlSvgAndXml) {
  for (const std::string& markup :
       {std::string("<!DOCTYPE html><html><body>hi</body></html>"),
        std::string("  \n\t<html><script>alert(1)</script></html>"),
        std::string("<script>alert(document.cookie)</script>"),
        std::string("<!-- a comment first --><p>hi</p>"),
        std::string("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        std::string("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"),
        std::string("\xef\xbb\xbf<SVG/>"), std::string("</p>")}) {
    ExpectRefused(Detect(markup), "HTML, SVG and XML documents are not accepted");
  }
}

TEST(ContentTypeTest, RefusesEmptyAndUnknownFiles) {
  ExpectRefused(DetectContentType("", 0), "empty files are not accepted");
  ExpectRefused(Detect(absl::StrCat(Bytes({0x1f, 0x8b, 8, 0}), Garbage(40))), "unrecognised");
}

TEST(ContentTypeTest, RefusesAHeadInconsistentWithTheSize) {
  absl::StatusOr<std::string> short_head = DetectContentType("hello", 10000);
  EXPECT_EQ(short_head.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(short_head.status().message(), HasSubstr("needs the first 4096 bytes"));
  EXPECT_EQ(DetectContentType("hello", 3).status().code(), absl::StatusCode::kInvalidArgument);
  // More than the sniff size is fine.
  std::string text(3 * kContentSniffBytes, 'x');
  EXPECT_EQ(DetectContentType(text, text.size() + 100).value(), kMimeText);
}

TEST(ContentTypeTest, AllowListMatchesWhatDetectionReturns) {
  for (absl::string_view mime : {kMimePng, kMimeJpeg, kMimeGif, kMimeWebp, kMimePdf, kMimeZip,
                                 kMimeDocx, kMimeXlsx, kMimePptx, kMimeText}) {
    EXPECT_TRUE(IsAllowedContentType(mime)) << mime;
  }
  EXPECT_FALSE(IsAllowedContentType("image/svg+xml"));
  EXPECT_FALSE(IsAllowedContentType("text/html"));
  EXPECT_FALSE(IsAllowedContentType("text/plain"));
}

TEST(Utf8TextValidatorTest, AcceptsSequencesSplitAcrossChunks) {
  Utf8TextValidator text;
  EXPECT_TRUE(text.Update("price: \xe2"));
  EXPECT_FALSE(text.Finish());  // inside a character
  EXPECT_TRUE(text.Update("\x82"));
  EXPECT_TRUE(text.Update("\xac, emoji \xf0\x9f"));
  EXPECT_TRUE(text.Update("\x98\x80"));
  EXPECT_TRUE(text.Finish());
}

TEST(Utf8TextValidatorTest, StaysInvalidOnceInvalid) {
  Utf8TextValidator text;
  EXPECT_TRUE(text.Update("fine"));
  EXPECT_FALSE(text.Update(std::string("\0", 1)));
  EXPECT_FALSE(text.Update("fine again"));
  EXPECT_FALSE(text.valid());
  EXPECT_FALSE(text.Finish());
}

TEST(Utf8TextValidatorTest, AcceptsTheBoundaryCodePoints) {
  Utf8TextValidator text;
  // U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF.
  EXPECT_TRUE(text.Update("\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf"
                          "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"));
  EXPECT_TRUE(text.Finish());
}

}  // namespace
}  // namespace gigwire
