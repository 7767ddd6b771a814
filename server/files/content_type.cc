// Content type from a file's leading bytes; see content_type.h. Signatures are
// those of the formats' specifications: PNG (ISO/IEC 15948), JPEG (ITU T.81),
// GIF89a, RIFF/WebP container, PDF (ISO 32000), ZIP (PKWARE APPNOTE), OOXML
// part names (ECMA-376), UTF-8 (RFC 3629).
#include "server/files/content_type.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace gigwire {
namespace {

constexpr absl::string_view kAllowedList =
    "allowed: PNG, JPEG, GIF, WebP, PDF, ZIP (including docx, xlsx, pptx) and UTF-8 plain text";

absl::Status Refuse(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(why, "; ", kAllowedList));
}

uint32_t Byte(absl::string_view s, size_t i) { return static_cast<unsigned char>(s[i]); }
uint16_t ReadLe16(absl::string_view s, size_t i) {
  return static_cast<uint16_t>(Byte(s, i) | Byte(s, i + 1) << 8);
}
uint32_t ReadLe32(absl::string_view s, size_t i) {
  return Byte(s, i) | Byte(s, i + 1) << 8 | Byte(s, i + 2) << 16 | Byte(s, i + 3) << 24;
}
uint32_t ReadBe32(absl::string_view s, size_t i) {
  return Byte(s, i) << 24 | Byte(s, i + 1) << 16 | Byte(s, i + 2) << 8 | Byte(s, i + 3);
}

// Whether the head is of a format, and if so whether it is well formed.
enum class Verdict { kOtherFormat, kWellFormed, kMalformed };

struct ImageOrDocumentFormat {
  absl::string_view name;
  absl::string_view mime;
  Verdict (*check)(absl::string_view head, uint64_t total_size);
};

// 8-byte signature, then the IHDR chunk (length 13), which must come first.
Verdict CheckPng(absl::string_view head, uint64_t) {
  if (!absl::StartsWith(head, "\x89PNG\r\n\x1a\n")) return Verdict::kOtherFormat;
  if (head.size() < 16 || ReadBe32(head, 8) != 13 || head.substr(12, 4) != "IHDR") {
    return Verdict::kMalformed;
  }
  return Verdict::kWellFormed;
}

// Start of image (FF D8), then the first marker segment (FF C0..FE).
Verdict CheckJpeg(absl::string_view head, uint64_t) {
  if (!absl::StartsWith(head, "\xff\xd8\xff")) return Verdict::kOtherFormat;
  if (head.size() < 4 || Byte(head, 3) < 0xC0 || Byte(head, 3) == 0xFF) return Verdict::kMalformed;
  return Verdict::kWellFormed;
}

// Header and version, then the 7-byte logical screen descriptor.
Verdict CheckGif(absl::string_view head, uint64_t) {
  if (!absl::StartsWith(head, "GIF87a") && !absl::StartsWith(head, "GIF89a")) {
    return Verdict::kOtherFormat;
  }
  return head.size() >= 13 ? Verdict::kWellFormed : Verdict::kMalformed;
}

// "RIFF", size of what follows (little-endian), "WEBP", first chunk's FourCC.
Verdict CheckWebp(absl::string_view head, uint64_t total_size) {
  if (head.size() < 12 || !absl::StartsWith(head, "RIFF") || head.substr(8, 4) != "WEBP") {
    return Verdict::kOtherFormat;
  }
  if (head.size() < 16) return Verdict::kMalformed;
  absl::string_view chunk = head.substr(12, 4);
  if (chunk != "VP8 " && chunk != "VP8L" && chunk != "VP8X") return Verdict::kMalformed;
  uint64_t riff_size = ReadLe32(head, 4);
  if (riff_size < 12 || riff_size + 8 > total_size) return Verdict::kMalformed;
  return Verdict::kWellFormed;
}

// The header line "%PDF-1.n" or "%PDF-2.n" at the very start.
Verdict CheckPdf(absl::string_view head, uint64_t) {
  if (!absl::StartsWith(head, "%PDF-")) return Verdict::kOtherFormat;
  bool versioned = absl::StartsWith(head.substr(5), "1.") || absl::StartsWith(head.substr(5), "2.");
  return versioned ? Verdict::kWellFormed : Verdict::kMalformed;
}

constexpr ImageOrDocumentFormat kFormats[] = {
    {"PNG", kMimePng, CheckPng},   {"JPEG", kMimeJpeg, CheckJpeg}, {"GIF", kMimeGif, CheckGif},
    {"WebP", kMimeWebp, CheckWebp}, {"PDF", kMimePdf, CheckPdf},
};

constexpr absl::string_view kZipLocalHeader = absl::string_view("PK\x03\x04", 4);
constexpr size_t kZipLocalHeaderSize = 30;  // name length at 26, then the name at 30

// The office type named by a ZIP entry (OOXML main part folders), or "".
absl::string_view OfficeTypeOfEntry(absl::string_view name) {
  if (absl::StartsWith(name, "word/")) return kMimeDocx;
  if (absl::StartsWith(name, "xl/")) return kMimeXlsx;
  if (absl::StartsWith(name, "ppt/")) return kMimePptx;
  return "";
}

// docx/xlsx/pptx when an entry seen in the head says so, else plain ZIP.
// Entries are found by their local header signature rather than by walking
// compressed sizes, which writers may defer to a data descriptor; a stray
// signature inside compressed data can at worst relabel one allowed ZIP type
// as another.
std::string ZipContentType(absl::string_view head) {
  for (size_t pos = head.find(kZipLocalHeader); pos != absl::string_view::npos;
       pos = head.find(kZipLocalHeader, pos + 1)) {
    if (pos + kZipLocalHeaderSize > head.size()) break;
    size_t name_length = ReadLe16(head, pos + 26);
    absl::string_view name = head.substr(pos + kZipLocalHeaderSize, name_length);
    absl::string_view office = OfficeTypeOfEntry(name);
    if (!office.empty()) return std::string(office);
  }
  return std::string(kMimeZip);
}

// After an optional BOM and whitespace, '<' and then a letter, '!', '?' or '/'.
bool StartsWithMarkup(absl::string_view text) {
  absl::ConsumePrefix(&text, "\xef\xbb\xbf");
  text = absl::StripLeadingAsciiWhitespace(text);
  if (text.size() < 2 || text[0] != '<') return false;
  char next = text[1];
  return absl::ascii_isalpha(static_cast<unsigned char>(next)) || next == '!' || next == '?' ||
         next == '/';
}

// Why a head that is no allowed format is refused, naming what it looks like.
absl::Status RefuseUnrecognised(absl::string_view head, bool is_utf8_without_nul) {
  if (absl::StartsWith(head, "\x7f" "ELF")) {
    return Refuse("executable files (ELF) are not accepted");
  }
  if (absl::StartsWith(head, "MZ")) return Refuse("Windows executables (MZ/PE) are not accepted");
  for (absl::string_view magic : {"\xfe\xed\xfa\xce", "\xfe\xed\xfa\xcf", "\xce\xfa\xed\xfe",
                                  "\xcf\xfa\xed\xfe", "\xca\xfe\xba\xbe"}) {
    if (absl::StartsWith(head, magic)) {
      return Refuse("executables (Mach-O) and Java class files are not accepted");
    }
  }
  if (absl::StartsWith(head, absl::string_view("PK\x05\x06", 4))) {
    return Refuse("empty ZIP archives are not accepted");
  }
  if (is_utf8_without_nul) {
    return Refuse("HTML, SVG and XML documents are not accepted (they can carry scripts)");
  }
  if (head.find('\0') == absl::string_view::npos) {
    return Refuse("text files must be UTF-8 (this file is not valid UTF-8)");
  }
  return Refuse("unrecognised file type");
}

bool IsUtf8WithoutNul(absl::string_view head, bool is_whole_file) {
  Utf8TextValidator text;
  text.Update(head);
  // A head cut inside a multi-byte sequence is fine when the file goes on.
  return is_whole_file ? text.Finish() : text.valid();
}

}  // namespace

absl::StatusOr<std::string> DetectContentType(absl::string_view head, uint64_t total_size) {
  if (total_size == 0) return Refuse("empty files are not accepted");
  if (head.size() > total_size ||
      head.size() < std::min<uint64_t>(total_size, kContentSniffBytes)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "content type detection needs the first ", kContentSniffBytes, " bytes of the file (got ",
        head.size(), " of ", total_size, ")"));
  }
  for (const ImageOrDocumentFormat& format : kFormats) {
    switch (format.check(head, total_size)) {
      case Verdict::kWellFormed:
        return std::string(format.mime);
      case Verdict::kMalformed:
        return Refuse(absl::StrCat("the file starts like a ", format.name, " but is malformed"));
      case Verdict::kOtherFormat:
        break;
    }
  }
  if (absl::StartsWith(head, kZipLocalHeader)) {
    if (head.size() < kZipLocalHeaderSize) {
      return Refuse("the file starts like a ZIP but is malformed");
    }
    return ZipContentType(head);
  }
  bool is_text = IsUtf8WithoutNul(head, head.size() == total_size);
  if (is_text && !StartsWithMarkup(head)) return std::string(kMimeText);
  return RefuseUnrecognised(head, is_text);
}

bool IsAllowedContentType(absl::string_view mime_type) {
  for (absl::string_view allowed : {kMimePng, kMimeJpeg, kMimeGif, kMimeWebp, kMimePdf, kMimeZip,
                                    kMimeDocx, kMimeXlsx, kMimePptx, kMimeText}) {
    if (mime_type == allowed) return true;
  }
  return false;
}

bool Utf8TextValidator::Update(absl::string_view chunk) {
  for (unsigned char byte : chunk) {
    if (!valid_) break;
    valid_ = Accept(byte);
  }
  return valid_;
}

// RFC 3629 section 4: the well-formed byte sequences, one byte at a time.
bool Utf8TextValidator::Accept(unsigned char byte) {
  if (pending_ > 0) {
    if (byte < lower_ || byte > upper_) return false;
    --pending_;
    lower_ = 0x80;
    upper_ = 0xBF;
    return true;
  }
  if (byte == 0x00) return false;
  if (byte < 0x80) return true;
  if (byte < 0xC2 || byte > 0xF4) return false;  // continuation, overlong lead or > U+10FFFF
  pending_ = byte < 0xE0 ? 1 : byte < 0xF0 ? 2 : 3;
  if (byte == 0xE0) lower_ = 0xA0;  // overlong three-byte forms
  if (byte == 0xED) upper_ = 0x9F;  // UTF-16 surrogates
  if (byte == 0xF0) lower_ = 0x90;  // overlong four-byte forms
  if (byte == 0xF4) upper_ = 0x8F;  // beyond U+10FFFF
  return true;
}

}  // namespace gigwire
