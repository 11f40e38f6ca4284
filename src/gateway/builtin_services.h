// The services every amfgate gateway offers (SPEC section 3):
//
//   auth.loginByAlias(alias [, verifier]) -> {user, session_expires}
//       (also reachable as the bare target `loginByAlias`); every failure is
//       the fault Auth.AliasInvalid, a full store Server.Busy;
//   auth.whoami() -> the user name, or the fault Auth.Required;
//   auth.logout() -> true if a session ended, false if there was none;
//   auth.login(user, password) -> {user, session_expires}, only with
//       gateway_password_login on (else it does not exist), rate-limited;
//   echo.echo(value) -> value, unchanged: same AMF types and format.
//
// session_expires is the number of seconds until the new session's idle
// deadline. They are registered through the same ServiceRegistry API an
// embedding appliance uses for its own services.
#pragma once

#include "core/status.h"

namespace amfgate {

class Gateway;

Status RegisterBuiltinServices(Gateway& gateway);

}  // namespace amfgate
