#include "gateway/catalog.h"

namespace amfgate {

ServiceCatalog& ServiceCatalog::Process() {
  static ServiceCatalog catalog;
  return catalog;
}

Status ServiceCatalog::Add(std::string name, ServiceHandler handler, Access access) {
  if (!IsValidServiceName(name)) {
    return Status::Error(Code::kInvalidArgument, "service name '" + name + "' is not service.method");
  }
  if (!handler) return Status::Error(Code::kInvalidArgument, "service " + name + " has no handler");
  for (const Item& item : items_) {
    if (item.name == name) return Status::Error(Code::kInvalidArgument, "service " + name + " is added twice");
  }
  items_.push_back({std::move(name), std::move(handler), access});
  return Status::Ok();
}

Status ServiceCatalog::RegisterAll(ServiceRegistry& registry) const {
  for (const Item& item : items_) {
    Status s = registry.Register(item.name, item.handler, item.access);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace amfgate
