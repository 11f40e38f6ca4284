// amfgate: argv -> Config -> Server::Run.
#include <cstdio>

int main() {
  std::puts("amfgate");
  return 0;
}
