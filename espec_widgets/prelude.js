// Shared by every widget module: Python prepends this file to each (espec_widgets/activities/
// _assets.py, module_source), since anywidget modules cannot import one another.

// An element with attributes and text. Text is always textContent, never HTML.
function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

