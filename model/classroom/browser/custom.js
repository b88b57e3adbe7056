/* The classroom page's first scripts, run by Solara's page template right after its own
   bundle and before the page connects to the server (Solara serves an assets folder's
   custom.js inline; `littlegiants app` adds this folder to SOLARA_ASSETS_EXTRA_LOCATIONS).

   Two scripts are needed only once the server's widgets arrive, and the browser used to
   fetch and compile them then, one after the other, on the way to the first chart: the
   template compiler of ipyvue (for Solara's own .vue widgets: the router, the title, the
   page's style) and Vega. Started here, they download and compile while the server builds
   the page, when the browser has little else to do. The paths are literal so that
   `littlegiants app` finds them in the page and has its server compress them before the
   first page (model/classroom/first_fetch.py). */
(function () {
    const root = (window.solara && window.solara.rootPath) || "";
    /* ipyvue's compiler is a webpack chunk: run early, it waits in webpack's chunk list,
       and ipyvue takes it from there instead of requesting it again. */
    const compiler = document.createElement("script");
    compiler.src = root + "/jupyter/nbextensions/jupyter-vue/nodeps-vue-sfc.js";
    compiler.async = true;
    document.head.appendChild(compiler);
    /* Vega is a UMD script, which would register with RequireJS (loaded next) as an
       anonymous module and upset it; run with `define` hidden, it becomes a global that
       the page's charts take (model/classroom/widgets.mjs, loadVega). */
    const vega = root + "/_solara/cdn/vega@6.2.0/build/vega.min.js";
    window.lgVegaEarly = fetch(vega)
        .then((response) => {
            if (!response.ok) throw new Error(`${vega}: ${response.status}`);
            return response.text();
        })
        .then((code) => {
            new Function("define", code)(undefined);
            if (!globalThis.vega) throw new Error(`${vega} defined no vega`);
            return globalThis.vega;
        });
    window.lgVegaEarly.catch((e) => console.warn("lg-vega early", e));
})();
