// ListCursor: the keyset position shared by the list queries of the repository
// headers. See store.h for the transaction, error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_LIST_CURSOR_H_
#define GIGWIRE_SERVER_STORE_LIST_CURSOR_H_

#include <string>

#include "absl/time/time.h"

namespace gigwire {

// Keyset position of a list ordered by (create_time DESC, id DESC).
struct ListCursor {
  absl::Time create_time;
  std::string id;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_LIST_CURSOR_H_
