// The program's version, printed by --version and exported as a metric label.
#pragma once

namespace amfgate {

inline constexpr const char kVersion[] = "0.1.0";

}  // namespace amfgate
