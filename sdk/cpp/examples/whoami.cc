// Example: log in with the C++ SDK and print who you are.
//
//   gigwire_sdk_example 127.0.0.1:50051 ada@demo.gigwire.dev gigwire-demo-password
#include <iostream>

#include "gigwire/client.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: " << argv[0] << " HOST:PORT EMAIL PASSWORD\n";
    return 2;
  }
  gigwire::ClientOptions options;
  options.target = argv[1];
  auto client = gigwire::Client::Connect(options);
  auto session = client->Login(argv[2], argv[3]);
  if (!session.ok()) {
    gigwire::ApiError error = gigwire::ApiErrorOf(session.status());
    std::cerr << "login failed: " << error.reason_name << ": " << error.message << "\n";
    return 1;
  }
  auto me = client->GetMe();
  if (!me.ok()) {
    std::cerr << "GetMe failed: " << me.status() << "\n";
    return 1;
  }
  std::cout << me->id() << " " << me->display_name() << " <" << me->email() << ">\n";
  return 0;
}
