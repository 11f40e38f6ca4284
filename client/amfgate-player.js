// Ruffle settings for the app page, loaded before /ruffle/ruffle.js (an
// external file because the page's Content-Security-Policy allows no inline
// script). Ruffle then replaces the page's <object> with its player.
//  - autoplay "on": without it Ruffle may wait for a click before starting
//    the SWF, and the handoff would not happen by itself;
//  - unmuteOverlay "hidden": the client plays no sound, so the "click to
//    unmute" banner would only cover its text;
//  - splashScreen false: the text field is the first thing a person sees.
// Script access is not set here: the <object>'s allowScriptAccess parameter
// (sameDomain) decides it, as it did in Flash Player.
window.RufflePlayer = window.RufflePlayer || {};
window.RufflePlayer.config = Object.assign({}, window.RufflePlayer.config, {
  autoplay: "on",
  unmuteOverlay: "hidden",
  splashScreen: false,
});
