// Process-wide wall clock; see clock.h.
#include "server/common/clock.h"

namespace gigwire {

const Clock& SystemClock::Get() {
  static const SystemClock* const kClock = new SystemClock();
  return *kClock;
}

}  // namespace gigwire
