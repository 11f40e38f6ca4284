// The embedding API's registration (include/amfgate/amfgate.h): kept out of
// the public header so that it does not expose the process-wide catalog.
// RunMain, the other half of that API, is app/command_line.cpp's.
#include <utility>

#include "amfgate/amfgate.h"
#include "gateway/catalog.h"

namespace amfgate {

Status AddService(std::string name, ServiceHandler handler, Access access) {
  return ServiceCatalog::Process().Add(std::move(name), std::move(handler), access);
}

}  // namespace amfgate
