/**
  PageBridge: the SWF's only channel into the web page that embeds it.

  Everything here goes through flash.external.ExternalInterface, which both
  Flash Player and Ruffle implement by evaluating the "function name" as a
  JavaScript expression in the page (Ruffle wraps it in `new Function`), so
  the page's Content-Security-Policy must allow script evaluation and the
  player must be embedded with script access allowed (Ruffle's
  `allowScriptAccess: true`, or `<param name="allowScriptAccess"
  value="sameDomain">` on a same-origin SWF). Without that, `available` is
  false and every call here is a no-op that returns null.

  The JavaScript snippets are constants and never have data spliced into
  them: cookie names and report texts travel as call arguments, so a hostile
  flashvar cannot turn into script.

  Reports are what the page and the browser tests observe: each one is
  appended to `window.amfgateReports` (an array of {step, ok, detail}) and
  handed to `window.amfgateReport(step, ok, detail)` when the page defines
  such a function. Costs: one synchronous call into the page per method.
**/
class PageBridge {
	static inline var kReport = "function(step, ok, detail) {"
		+ " var list = window.amfgateReports = window.amfgateReports || [];"
		+ " list.push({step: step, ok: ok, detail: detail});"
		+ " if (typeof window.amfgateReport === 'function') window.amfgateReport(step, ok, detail);"
		+ " return list.length; }";

	// Cookie values are returned verbatim: the server writes the alias as
	// base64url, which needs no decoding.
	static inline var kReadCookie = "function(name) {"
		+ " var parts = document.cookie.split(';');"
		+ " for (var i = 0; i < parts.length; i++) {"
		+ "   var c = parts[i]; while (c.charAt(0) === ' ') c = c.substring(1);"
		+ "   var eq = c.indexOf('=');"
		+ "   if (eq > 0 && c.substring(0, eq) === name) return c.substring(eq + 1);"
		+ " }"
		+ " return null; }";

	// A cookie is deleted by setting it again with the same name and path and
	// a zero lifetime; Secure must match the original on HTTPS or the browser
	// refuses the overwrite.
	static inline var kDeleteCookie = "function(name) {"
		+ " document.cookie = name + '=; Max-Age=0; Path=/; SameSite=Strict'"
		+ "   + (location.protocol === 'https:' ? '; Secure' : '');"
		+ " return true; }";

	public static function available():Bool {
		try {
			return flash.external.ExternalInterface.available;
		} catch (e:Dynamic) {
			return false;
		}
	}

	public static function report(step:String, ok:Bool, detail:String):Void {
		invoke(kReport, [step, ok, detail]);
	}

	/** The cookie's value, or null when it is absent or script access is off. **/
	public static function readCookie(name:String):Null<String> {
		var value:Dynamic = invoke(kReadCookie, [name]);
		return value == null ? null : Std.string(value);
	}

	public static function deleteCookie(name:String):Void {
		invoke(kDeleteCookie, [name]);
	}

	/** Makes `callback` callable by the page as a method of the player element. **/
	public static function expose(name:String, callback:Void->Bool):Void {
		if (!available())
			return;
		try {
			flash.external.ExternalInterface.addCallback(name, callback);
		} catch (e:Dynamic) {
			// A page that forbids script access simply cannot call back.
		}
	}

	static function invoke(code:String, args:Array<Dynamic>):Dynamic {
		if (!available())
			return null;
		try {
			return switch (args.length) {
				case 1: flash.external.ExternalInterface.call(code, args[0]);
				case 3: flash.external.ExternalInterface.call(code, args[0], args[1], args[2]);
				default: flash.external.ExternalInterface.call(code);
			}
		} catch (e:Dynamic) {
			// A security error (script access denied) must not stop the SWF:
			// the text field still tells the person what happened.
			return null;
		}
	}
}
