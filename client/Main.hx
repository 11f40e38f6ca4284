/**
  The amfgate demo client: the SWF side of the session handoff.

  Flashvars it reads (all set by the app page):
    gateway       absolute http(s) URL of the AMF gateway (Ruffle accepts
                  nothing else);
    randomcookie  name of the one-time cookie that holds the alias
                  (alias_delivery cookie);
    alias         the alias itself (alias_delivery flashvars); when present
                  it wins and no cookie is read.

  The flow, one step at a time so that each request carries the cookies the
  previous response set (Ruffle batches calls made in the same frame into
  one POST, which would send whoami before the gateway cookie exists):
    1. read the alias cookie through the page's script, delete it at once,
       and check that it is gone;
    2. auth.loginByAlias(alias) -> {user, session_expires};
    3. auth.whoami() -> the user's name.
  Every step is shown in the text field and reported to the page (see
  PageBridge). The page may call `amfgateWhoami()` on the player element to
  run step 3 again, e.g. after logging out, to see the gateway's answer.

  Calls go out as AMF0, which is what Ruffle always sends; saying so here
  keeps a real Flash Player on the same encoding.
**/
class Main {
	static inline var kCallbackName = "amfgateWhoami";

	final view:StatusView;
	var connection:flash.net.NetConnection;
	var pendingStep:Null<String>;
	var pendingLine = -1;

	static function main():Void {
		new Main(flash.Lib.current);
	}

	function new(root:flash.display.MovieClip) {
		view = new StatusView(root);
		var params:Dynamic = root.loaderInfo.parameters;
		var gateway = flashvar(params, "gateway");
		var cookieName = flashvar(params, "randomcookie");
		var inlineAlias = flashvar(params, "alias");
		var delivery = inlineAlias != null ? "flashvars" : "cookie";

		PageBridge.report("start", PageBridge.available(),
			"delivery=" + delivery + " gateway=" + gateway + " randomcookie=" + cookieName);
		if (gateway == null || !~/^https?:\/\/[^\/]/.match(gateway)) {
			fail("gateway", "no absolute http(s) gateway URL in the flashvars");
			return;
		}
		var alias = inlineAlias != null ? takeFlashvarAlias(inlineAlias) : takeCookieAlias(cookieName);
		if (alias == null)
			return;

		connection = new flash.net.NetConnection();
		connection.objectEncoding = 0;
		connection.addEventListener(flash.events.NetStatusEvent.NET_STATUS, onNetStatus);
		connection.addEventListener(flash.events.SecurityErrorEvent.SECURITY_ERROR, onTransportError);
		connection.addEventListener(flash.events.AsyncErrorEvent.ASYNC_ERROR, onTransportError);
		connection.addEventListener(flash.events.IOErrorEvent.IO_ERROR, onTransportError);
		connection.connect(gateway);
		PageBridge.expose(kCallbackName, whoamiFromPage);

		begin("loginByAlias", "auth.loginByAlias ...");
		connection.call("auth.loginByAlias", new flash.net.Responder(onLogin, onFault), alias);
	}

	function takeFlashvarAlias(alias:String):String {
		view.add("alias from flashvars (" + alias.length + " characters)");
		PageBridge.report("alias", true, "flashvars");
		return alias;
	}

	function takeCookieAlias(name:Null<String>):Null<String> {
		if (name == null || !~/^[A-Za-z0-9_-]{1,64}$/.match(name)) {
			fail("alias", "no valid randomcookie name in the flashvars");
			return null;
		}
		if (!PageBridge.available()) {
			fail("alias", "the page does not allow script access, so the alias cookie cannot be read");
			return null;
		}
		var alias = PageBridge.readCookie(name);
		if (alias == null || alias == "") {
			fail("alias", "cookie " + name + " is not there (expired, or already used)");
			return null;
		}
		PageBridge.deleteCookie(name);
		if (PageBridge.readCookie(name) != null) {
			fail("alias", "cookie " + name + " could not be deleted");
			return null;
		}
		view.add("alias read from cookie " + name + ", cookie deleted");
		PageBridge.report("alias", true, "cookie " + name + " read and deleted");
		return alias;
	}

	function onLogin(result:Dynamic):Void {
		var user:Dynamic = result == null ? null : Reflect.field(result, "user");
		if (user == null) {
			finish(false, "reply without a user");
			return;
		}
		var expires:Dynamic = Reflect.field(result, "session_expires");
		finish(true, Std.string(user), "logged in as " + user + ", session expires in " + expires + " s");
		whoami();
	}

	function whoamiFromPage():Bool {
		if (pendingStep != null)
			return false;
		whoami();
		return true;
	}

	function whoami():Void {
		begin("whoami", "auth.whoami ...");
		connection.call("auth.whoami", new flash.net.Responder(onWhoami, onFault));
	}

	function onWhoami(result:Dynamic):Void {
		var name = Std.string(result);
		view.setHeadline("Logged in as " + name);
		finish(true, name, "the gateway says: " + name);
	}

	/** An onStatus reply: the gateway's fault object {level, code, description}. **/
	function onFault(fault:Dynamic):Void {
		var code:Dynamic = fault == null ? null : Reflect.field(fault, "code");
		var description:Dynamic = fault == null ? null : Reflect.field(fault, "description");
		var codeText = code == null ? "unknown fault" : Std.string(code);
		view.setHeadline(pendingStep == "whoami" ? "Not logged in" : "Handoff failed");
		finish(false, codeText, "fault " + codeText + (description == null ? "" : " (" + description + ")"));
	}

	/** HTTP errors and unparsable replies surface here, not in the responder. **/
	function onNetStatus(event:flash.events.NetStatusEvent):Void {
		var level:Dynamic = event.info == null ? null : Reflect.field(event.info, "level");
		var code:Dynamic = event.info == null ? null : Reflect.field(event.info, "code");
		if (level != "error" || pendingStep == null)
			return;
		var codeText = code == null ? "NetConnection.Call.Failed" : Std.string(code);
		view.setHeadline("Gateway unreachable");
		finish(false, codeText, "transport failure " + codeText);
	}

	function onTransportError(event:flash.events.Event):Void {
		if (pendingStep == null)
			return;
		view.setHeadline("Gateway unreachable");
		finish(false, event.type, "transport failure " + event.type);
	}

	function begin(step:String, line:String):Void {
		pendingStep = step;
		pendingLine = view.add(line);
	}

	function finish(ok:Bool, detail:String, ?line:String):Void {
		var step = pendingStep;
		if (step == null)
			return;
		pendingStep = null;
		view.update(pendingLine, (step == "loginByAlias" ? "auth.loginByAlias: " : "auth.whoami: ")
			+ (line == null ? detail : line));
		PageBridge.report(step, ok, detail);
	}

	function fail(step:String, why:String):Void {
		view.setHeadline("Handoff failed");
		view.add(why);
		PageBridge.report(step, false, why);
	}

	static function flashvar(params:Dynamic, name:String):Null<String> {
		var value:Dynamic = params == null ? null : Reflect.field(params, name);
		return value == null || value == "" ? null : Std.string(value);
	}
}
