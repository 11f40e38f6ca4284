#include "app/routes.h"

#include "core/log.h"
#include "web/handoff.h"
#include "web/static_files.h"

namespace amfgate {

namespace {

class StaticFilesComponent : public Component {
 public:
  StaticFiles& files() { return files_; }

  Status Reload(const Config& config) override {
    Status s = files_.Reload(config.docroot);
    if (!s.ok()) return Status::Error(s.code(), config.PlaceOf("docroot") + s.message());
    return s;
  }

  void AppendMetrics(MetricsWriter& out) const override {
    out.Gauge("amfgate_static_cache_files", "Static files held in memory.",
              static_cast<double>(files_.cached_files()));
    out.Gauge("amfgate_static_cache_bytes", "Bytes of static files held in memory.",
              static_cast<double>(files_.cached_bytes()));
  }

 private:
  StaticFiles files_;
};

}  // namespace

Status InstallStaticFiles(AppContext& context) {
  auto component = std::make_unique<StaticFilesComponent>();
  Status s = component->files().Open(context.config->docroot);
  if (!s.ok()) return Status::Error(s.code(), context.config->PlaceOf("docroot") + s.message());
  context.router->SetNotFound(component->files().AsHandler());
  context.Add(std::move(component));
  return Status::Ok();
}

Status InstallRoutes(AppContext& context) {
  // Modules that own paths go here, one call each, before the fallback.
  Status s = InstallHandoff(context);
  if (!s.ok()) return s;
  return InstallStaticFiles(context);
}

}  // namespace amfgate
