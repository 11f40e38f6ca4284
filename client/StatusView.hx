/**
  StatusView: what a person sees of the demo client.

  A headline (who the gateway says we are) above a numbered list of the
  handoff's steps, both plain TextFields in the player's device font, so the
  SWF needs no embedded font and Ruffle renders it with its built-in one.
  The view only displays; it never decides anything. Each call redraws the
  whole text, which is a few hundred characters at most.
**/
class StatusView {
	static inline var kWidth = 640;
	static inline var kMargin = 16;

	final headline:flash.text.TextField;
	final steps:flash.text.TextField;
	final lines:Array<String> = [];

	public function new(parent:flash.display.DisplayObjectContainer) {
		headline = makeField(parent, 26, true, 0x1a4d8f, kMargin);
		steps = makeField(parent, 16, false, 0x222222, kMargin + 44);
		setHeadline("amfgate demo client");
	}

	public function setHeadline(text:String):Void {
		headline.text = text;
	}

	/** Appends one numbered step line and returns its index for `update`. **/
	public function add(text:String):Int {
		lines.push((lines.length + 1) + ". " + text);
		redraw();
		return lines.length - 1;
	}

	public function update(index:Int, text:String):Void {
		lines[index] = (index + 1) + ". " + text;
		redraw();
	}

	function redraw():Void {
		steps.text = lines.join("\n");
	}

	static function makeField(parent:flash.display.DisplayObjectContainer, size:Int, bold:Bool, color:Int,
			y:Int):flash.text.TextField {
		var field = new flash.text.TextField();
		field.defaultTextFormat = new flash.text.TextFormat("_sans", size, color, bold);
		field.x = kMargin;
		field.y = y;
		field.width = kWidth - 2 * kMargin;
		field.height = 180;
		field.multiline = true;
		field.wordWrap = true;
		field.selectable = true;
		parent.addChild(field);
		return field;
	}
}
