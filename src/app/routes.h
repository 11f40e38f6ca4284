// The one place where the public router is filled at start-up.
//
// InstallRoutes calls each module's installer in turn. Each installer
// registers its exact paths and prefixes on context.router, and hands the app
// the Components it needs kept alive (component.h). The static files are
// installed last, as the router's not-found fallback, so every path no module
// claims is looked up in the document root.
//
// A module with routes of its own adds one call to InstallRoutes (routes.cpp)
// and nothing else here; its installer lives in its own folder.
#pragma once

#include "app/component.h"
#include "core/status.h"

namespace amfgate {

// Errors name the directive at fault (e.g. "conf/x.conf:4: docroot: ...").
Status InstallRoutes(AppContext& context);

// The static-file fallback (web/static_files.h) over config.docroot, reloaded
// with the docroot on SIGHUP.
Status InstallStaticFiles(AppContext& context);

}  // namespace amfgate
