// A labelled multi-line reflection box with a privacy reminder, a live word count and a status.
function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el: host }) {
  const uid = "espec-" + Math.random().toString(36).slice(2, 10);
  const box = el("div", { class: "espec-reflection", role: "group", "aria-labelledby": uid + "-label" });
  const label = el("label", { id: uid + "-label", for: uid + "-text", class: "espec-question" },
    model.get("question"));
  const prompt = el("p", { id: uid + "-prompt", class: "espec-prompt" }, model.get("prompt"));
  const privacy = el("p", { id: uid + "-privacy", class: "espec-privacy" }, model.get("reminder"));
  const area = el("textarea", {
    id: uid + "-text",
    "aria-describedby": `${uid}-prompt ${uid}-privacy ${uid}-count`,
    spellcheck: "true",
  });
  const count = el("p", { id: uid + "-count", class: "espec-count" });
  const warning = el("p", { class: "espec-warning", role: "alert" });
  const status = el("div", { class: "espec-status", role: "status", "aria-live": "polite" });
  box.append(label, prompt, privacy, area, count, warning, status);

  area.addEventListener("input", () => {
    model.set("value", area.value);
    model.save_changes();
  });

  function sync() {
    if (area.value !== model.get("value")) area.value = model.get("value");
    area.disabled = model.get("disabled");
    const words = model.get("words");
    count.textContent = `${words} ${words === 1 ? "word" : "words"} (up to ${model.get("max_words")})`;
    warning.textContent = model.get("warning");
    status.textContent = model.get("status");
  }
  for (const name of ["value", "disabled", "words", "warning", "status"]) {
    model.on("change:" + name, sync);
  }
  sync();
  host.append(box);
}

export default { render };
