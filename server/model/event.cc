// Event type helpers and cursors; see event.h.
#include "server/model/event.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace gigwire {

bool IsOfferEvent(EventType type) {
  const int value = static_cast<int>(type);
  return value >= static_cast<int>(EventType::kOfferCreated) &&
         value <= static_cast<int>(EventType::kOfferSuperseded);
}

bool IsKnownEventType(int value) {
  return (value >= 1 && value <= 9) || (value >= 20 && value <= 25) ||
         (value >= 40 && value <= 44) || value == 60 || (value >= 80 && value <= 88) ||
         (value >= 100 && value <= 107) || (value >= 120 && value <= 129) ||
         (value >= 140 && value <= 143) || (value >= 150 && value <= 152) ||
         (value >= 160 && value <= 162) || (value >= 170 && value <= 174);
}

std::string CursorOf(int64_t sequence) { return absl::StrCat(sequence); }

std::optional<int64_t> SequenceOfCursor(absl::string_view cursor) {
  if (cursor.empty() || cursor.size() > 19) return std::nullopt;
  for (char c : cursor) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  int64_t sequence = 0;
  if (!absl::SimpleAtoi(cursor, &sequence)) return std::nullopt;
  return sequence;
}

}  // namespace gigwire
