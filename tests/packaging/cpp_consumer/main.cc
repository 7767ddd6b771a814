// Lists the marketplace's categories through the installed C++ SDK, without
// signing in; exits 0 when the call succeeds.
//   list_categories HOST:PORT
#include <iostream>

#include "gigwire/client.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " HOST:PORT\n";
    return 2;
  }
  gigwire::ClientOptions options;
  options.target = argv[1];
  std::unique_ptr<gigwire::Client> client = gigwire::Client::Connect(options);
  absl::StatusOr<gigwire::v1::ListCategoriesResponse> categories = client->Call(
      &gigwire::v1::CatalogService::Stub::ListCategories, gigwire::v1::ListCategoriesRequest());
  if (!categories.ok()) {
    std::cerr << "ListCategories failed: " << gigwire::ApiErrorOf(categories.status()).reason_name
              << ": " << categories.status() << "\n";
    return 1;
  }
  std::cout << categories->categories_size() << " categories\n";
  return 0;
}
