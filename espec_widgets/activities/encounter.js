// The encounter: media with captions (if any) and the transcript, line by line or all at once.
// In Voilà, files under the served folder are at <base>voila/files/; the build copies media there.
function mediaUrl(path) {
  const base = document.body.dataset.baseUrl;
  return base ? `${base}files/media/${path}` : `../media/${path}`;
}

function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const region = el("section", { class: "espec-encounter", "aria-labelledby": uid + "-h" });
  const heading = el("h3", { id: uid + "-h" }, model.get("title"));
  region.append(heading);

  const media = model.get("media");
  if (media) {
    const player = el(media.kind === "audio" ? "audio" : "video", {
      controls: "", preload: "metadata", src: mediaUrl(media.src), "aria-label": media.title,
    });
    const track = el("track", { kind: "captions", src: mediaUrl(media.captions), srclang: "en", label: "English", default: "" });
    player.append(track);
    const cues = el("ol", { class: "espec-cues", "aria-label": "Captions, following the recording" });
    region.append(player, cues);
    track.addEventListener("load", () => {
      const list = Array.from(track.track.cues || []);
      cues.replaceChildren(...list.map((cue) => el("li", {}, cue.text)));
    });
    track.addEventListener("cuechange", () => {
      const active = new Set(Array.from(track.track.activeCues || []));
      Array.from(track.track.cues || []).forEach((cue, i) => {
        const li = cues.children[i];
        if (!li) return;
        const now = active.has(cue);
        li.toggleAttribute("aria-current", now);
        li.dataset.now = now ? "true" : "";
        li.textContent = (now ? "▶ now: " : "") + cue.text;
      });
    });
  }

  const lines = model.get("lines");
  const list = el("ol", { class: "espec-transcript", "aria-label": "Transcript" });
  const items = lines.map((line) => {
    const li = el("li");
    li.append(el("strong", {}, line.who + ": "), document.createTextNode(line.text));
    li.hidden = true;
    list.append(li);
    return li;
  });
  const controls = el("div", { class: "espec-encounter-controls" });
  const next = el("button", { type: "button", class: "espec-secondary" }, "Next line");
  const all = el("button", { type: "button", class: "espec-secondary" }, "Show the whole transcript");
  const again = el("button", { type: "button", class: "espec-secondary" }, "Start again from the first line");
  // Seen: where the transcript is. Heard: the line just shown, for screen readers only (it is
  // already on the page once, in the transcript).
  const place = el("p", { class: "espec-encounter-place" });
  const heard = el("p", { class: "espec-sr-only", role: "status", "aria-live": "polite" });
  controls.append(next, all, again);
  region.append(list, place, controls, heard);

  let shown = 0;
  function show(n) {
    const moving = document.activeElement;
    const jumped = Math.abs(n - shown) > 1;
    shown = Math.min(n, items.length);
    items.forEach((li, i) => { li.hidden = i >= shown; });
    next.disabled = all.disabled = shown >= items.length;
    again.hidden = shown <= 1;
    place.textContent = !items.length ? "" : shown >= items.length
      ? `The whole transcript is shown (${items.length} lines).`
      : `Line ${shown} of ${items.length}.`;
    const line = shown ? `${lines[shown - 1].who}: ${lines[shown - 1].text}` : "";
    heard.textContent = jumped && shown > 1 ? place.textContent : line && `${line} (${place.textContent})`;
    // A button that has just been disabled or hidden would drop focus to the page: keep it here.
    if ((moving === next || moving === all) && moving.disabled) again.focus();
    if (moving === again && again.hidden) next.focus();
  }
  next.addEventListener("click", () => show(shown + 1));
  all.addEventListener("click", () => show(items.length));
  again.addEventListener("click", () => show(1));
  show(lines.length ? 1 : 0);
  host.append(region);
}

export default { render };
