// ServiceCatalog: the services a program embedding amfgate adds to every
// gateway it starts.
//
// An appliance that links build/libamfgate.a declares its services before it
// starts the app (include/amfgate/amfgate.h, examples/embed.cpp); when the
// app assembles the handoff, the gateway registers the built-in services and
// then everything in the catalog. The catalog is process-wide because the
// app is built from a Config and a command line, like the amfgate binary
// itself, and has no other door for code; it is written only at start-up,
// before any loop runs, and read once per gateway construction.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "gateway/service.h"

namespace amfgate {

class ServiceCatalog {
 public:
  struct Item {
    std::string name;
    ServiceHandler handler;
    Access access;
  };

  static ServiceCatalog& Process();

  // Checks the name now, so a typo fails where it was written.
  Status Add(std::string name, ServiceHandler handler, Access access);
  // Registers every item; the first failure (a name taken by a built-in)
  // is returned.
  Status RegisterAll(ServiceRegistry& registry) const;
  void Clear() { items_.clear(); }

 private:
  std::vector<Item> items_;
};

}  // namespace amfgate
