// A fix for a race in ipywidgets 8's @jupyter-widgets/base-manager (ipywidgets issue 4026): when
// a widget output is rendered before its model has arrived from the kernel, get_model waits by polling every
// 100 ms for 2 s and then gives up without a last look. With a class opening a case together the
// browser's main thread stalls for longer than that while it builds the page's models, so the
// model arrives during the stall, the poll gives up, and the output shows "Error displaying
// widget: model not found" for good (the manager counts as restored by then). We replace
// get_model with the same poll that looks once more before giving up and waits a minute.
//
// The widgets' packages are JupyterLab federated modules: the page hands each one the shared
// module scope through its container's init(). We wrap the widget manager's container as it
// registers in window._JUPYTERLAB, and patch @jupyter-widgets/base-manager's ManagerBase from it
// before any widget is shown. If anything here is not as expected, nothing is changed (the
// page's own recovery still reloads a page whose widgets failed).
(() => {
  const WAIT_MS = 60000;
  const MANAGER = "@jupyter-widgets/jupyterlab-manager";
  window.__especWidgetModels = "waiting";

  async function get_model(modelId) {
    const started = Date.now();
    for (;;) {
      const model = this._models[modelId];
      if (model !== undefined) return model;
      if (Date.now() - started > WAIT_MS) throw new Error("widget model not found");
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  async function patch(scope) {
    const versions = (scope && scope["@jupyter-widgets/base-manager"]) || {};
    let patched = 0;
    for (const entry of Object.values(versions)) {
      const base = (await entry.get())();
      if (base && base.ManagerBase && base.ManagerBase.prototype.get_model) {
        base.ManagerBase.prototype.get_model = get_model;
        patched += 1;
      }
    }
    window.__especWidgetModels = patched ? "patched" : "not found";
  }

  const registry = window._JUPYTERLAB || {};
  window._JUPYTERLAB = new Proxy(registry, {
    set(target, name, container) {
      if (name === MANAGER && container && typeof container.init === "function") {
        // The container's exports are read-only getters: register a wrapper in its place.
        const original = container;
        container = {
          get: (module) => original.get(module),
          init: async (scope, ...rest) => {
            const result = await original.init(scope, ...rest);
            try { await patch(scope); } catch (e) { window.__especWidgetModels = "failed"; }
            return result;
          },
        };
      }
      target[name] = container;
      return true;
    },
  });
})();
