// The content type of an uploaded file, decided from the file's own bytes.
//
// A client's claimed type (a file name, a Content-Type) is never consulted:
// the upload path passes the first bytes of the file and its total size, and
// gets back either a MIME type from the allow-list below or a refusal.
//
// Allowed (MIME type returned, and what the bytes must show):
//   image/png        PNG signature, then the IHDR chunk the spec puts first
//   image/jpeg       JPEG SOI (FF D8) followed by a marker (FF C0..FE)
//   image/gif        "GIF87a" or "GIF89a" and a logical screen descriptor
//   image/webp       RIFF container of form "WEBP" whose first chunk is
//                    "VP8 ", "VP8L" or "VP8X", and whose RIFF size fits
//   application/pdf  "%PDF-1." or "%PDF-2." at offset 0
//   application/vnd.openxmlformats-officedocument.{wordprocessingml.document,
//     spreadsheetml.sheet,presentationml.presentation}
//                    a ZIP whose entries seen in the head are named word/...,
//                    xl/... or ppt/... (docx, xlsx, pptx)
//   application/zip  any other ZIP starting with a local file header
//   text/plain; charset=utf-8
//                    valid UTF-8 (no overlong forms, no surrogates), no NUL
//                    byte, and not starting with markup (see below)
//
// Refused, on purpose: SVG, HTML and XML (markup a browser may render and run
// scripts from: SVG is XML that can carry <script> and event handlers, so it
// is treated as active content, not as an image); executables (ELF, PE/DOS
// "MZ", Mach-O, Java class files); anything unrecognised; empty files. Text is
// refused as markup when, after an optional BOM and whitespace, it starts with
// '<' followed by a letter, '!', '?' or '/' (the starts that the WHATWG MIME
// sniffing standard looks at to decide HTML or XML).
//
// The checks follow the formats' published signatures and look no deeper:
// a PNG signature and IHDR followed by garbage is still image/png (the file
// is stored and served as an image, never decoded or run by the server; a
// consumer that decodes it fails safely). Text is judged from the head; an
// upload path that must vouch for the whole file feeds every chunk to a
// Utf8TextValidator.
//
// Errors: INVALID_ARGUMENT with a message naming what the bytes look like
// (for example "executable files (ELF) are not accepted") and the allowed
// types; the caller attaches the API's error reason. INVALID_ARGUMENT also
// when `head` is inconsistent with `total_size` (a caller bug, not a file
// the client could fix, but refusing is the safe answer).
//
// Thread safety: all functions are pure and thread-safe; a Utf8TextValidator
// object is not (one per upload).
#ifndef GIGWIRE_SERVER_FILES_CONTENT_TYPE_H_
#define GIGWIRE_SERVER_FILES_CONTENT_TYPE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gigwire {

// How many leading bytes DetectContentType wants (it uses more if given).
inline constexpr size_t kContentSniffBytes = 4096;

inline constexpr absl::string_view kMimePng = "image/png";
inline constexpr absl::string_view kMimeJpeg = "image/jpeg";
inline constexpr absl::string_view kMimeGif = "image/gif";
inline constexpr absl::string_view kMimeWebp = "image/webp";
inline constexpr absl::string_view kMimePdf = "application/pdf";
inline constexpr absl::string_view kMimeZip = "application/zip";
inline constexpr absl::string_view kMimeDocx =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
inline constexpr absl::string_view kMimeXlsx =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
inline constexpr absl::string_view kMimePptx =
    "application/vnd.openxmlformats-officedocument.presentationml.presentation";
inline constexpr absl::string_view kMimeText = "text/plain; charset=utf-8";

// The MIME type of a file of `total_size` bytes whose first bytes are `head`.
// `head` must hold at least min(total_size, kContentSniffBytes) bytes and at
// most total_size. Errors: see the file comment.
absl::StatusOr<std::string> DetectContentType(absl::string_view head, uint64_t total_size);

// True for the MIME types DetectContentType can return (exact strings above).
bool IsAllowedContentType(absl::string_view mime_type);

// Checks that a byte stream, fed in chunks of any size, is UTF-8 text without
// NUL bytes; a multi-byte sequence may be split across chunks.
//
//   Utf8TextValidator text;
//   for (chunk : upload) text.Update(chunk);
//   bool ok = text.Finish();
class Utf8TextValidator {
 public:
  // Consumes `chunk`. Returns false once the stream so far is not valid
  // (and from then on); true while it still may be.
  bool Update(absl::string_view chunk);
  // True when the whole stream was valid and did not end inside a sequence.
  bool Finish() const { return valid_ && pending_ == 0; }
  bool valid() const { return valid_; }

 private:
  bool Accept(unsigned char byte);

  bool valid_ = true;
  int pending_ = 0;            // continuation bytes still expected
  unsigned char lower_ = 0x80;  // range allowed for the next continuation byte
  unsigned char upper_ = 0xBF;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_FILES_CONTENT_TYPE_H_
