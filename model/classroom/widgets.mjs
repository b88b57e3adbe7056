/* The classroom page's own browser components, as one ES module that ipyvue loads once
   per page (`ipyvue.define_module`, see model/classroom/stream.py). They are written with
   render functions, not as .vue templates: a template is compiled in the browser for
   every widget that uses it (the page has ten), which cost the first render more than
   drawing its charts. Each export is a component's options; ipyvue adds the widget's
   synchronised traits as data and its `vue_` methods as methods. */
import { h } from "vue";

/* Vega from the page's own files, once per page, and every chart waits for the same
   promise: the one the page's first script started while the server built the page
   (model/classroom/browser/custom.js), else one through RequireJS, asked for as soon as
   the feed is created. */
let vegaLoading = null;
const FIRST_SCREEN_MS = 3000;  // the panels below the fold come after this at the latest
function loadVega(versions) {
    if (!vegaLoading && window.lgVegaEarly) {
        vegaLoading = window.lgVegaEarly.catch(() => requireVega(versions));
    }
    if (!vegaLoading) {
        vegaLoading = requireVega(versions);
    }
    return vegaLoading;
}
function requireVega(versions) {
    const cdn = (window.solara && window.solara.cdn) || "./_solara/cdn";
    const paths = { "vega": `${cdn}/vega@${versions.vega}/build/vega.min` };
    return new Promise((resolve, reject) => {
        window.require.config({ paths });
        window.require(["vega"], (vega) => resolve(vega), (error) => {
            vegaLoading = null;  // a later chart tries again, with a fresh request
            window.require.undef("vega");
            reject(error);
        });
    });
}

/* VegaStream: a Vega chart (compiled from Vega-Lite on the server) embedded once.
   Python sends each data set's new rows in a message (`jupyter_rows`: name ->
   {from, columns} or {replace, columns}; after a quarter inside the page's one feed
   message, which finds this chart by its `key`), which are kept here and inserted into
   Vega's dataflow (incremental), so a quarter never redraws the whole chart. Messages
   that arrive while the chart draws are merged into the next drawing, so a busy
   browser skips frames instead of falling behind, and a chart off the screen draws
   only when it comes into view. Rows that do not continue what the chart holds (a
   message missed before this view existed) make it ask Python for every row again
   (`resync`). A new `spec` re-embeds and re-inserts the kept rows. */
export const VegaStream = {
    render() {
        return h("div", { class: "lg-vega" }, [h("div", { ref: "plot" })]);
    },
    created() {
        this.store = {};      // name -> every row received (objects, as Vega takes them)
        this.pending = {};    // name -> {replace, rows} not yet in the view
        this.drawn = {};      // name -> rows in the view, for the data sets the spec draws
        this.queue = Promise.resolve();
        this.scheduled = false;
        this.awaiting = false;
    },
    mounted() {
        (window.lgTargets = window.lgTargets || {})[this.key] = this;  // for the page's feed
        this.$el.lgStore = this.store;  // for the tests: what this chart holds
        // A chart off the screen keeps its rows and draws them when it comes into view:
        // on a laptop most of the page is below the fold, and drawing it each quarter
        // cost the browser more than the quarter cost the server.
        this.visible = true;
        this.observer = new IntersectionObserver((entries) => {
            const shown = entries.some((entry) => entry.isIntersecting);
            const appeared = shown && !this.visible;
            this.visible = shown;
            this.$el.dataset.visible = String(shown);
            if (appeared) this.schedule();
        }, { rootMargin: "100px" });
        this.observer.observe(this.$el);
        this.enqueue(() => this.embed());
        this.awaiting = true;
        this.resync();  // rows pushed before this view existed never reached it
    },
    beforeUnmount() {
        if (this.observer) this.observer.disconnect();
        if (window.lgTargets) delete window.lgTargets[this.key];
    },
    watch: {
        spec() { this.enqueue(() => this.embed()); },
    },
    methods: {
        enqueue(work) {
            this.queue = this.queue.then(work).catch((e) => console.error("lg-vega", e));
        },
        records(columns) {
            const names = Object.keys(columns);
            const length = names.length ? columns[names[0]].length : 0;
            const rows = new Array(length);
            for (let i = 0; i < length; i++) {
                const row = {};
                for (const n of names) row[n] = columns[n][i];
                rows[i] = row;
            }
            return rows;
        },
        jupyter_rows(changes) {
            for (const [name, change] of Object.entries(changes)) {
                const rows = this.records(change.columns);
                if (change.replace) {
                    this.store[name] = rows;
                    this.pending[name] = { replace: true, rows: [] };
                    this.awaiting = false;
                    continue;
                }
                const kept = this.store[name] || [];
                if (change.from !== kept.length) {
                    if (!this.awaiting) { this.awaiting = true; this.resync(); }
                    continue;
                }
                for (const row of rows) kept.push(row);
                this.store[name] = kept;
                const waiting = this.pending[name] || { replace: false, rows: [] };
                if (!waiting.replace) for (const row of rows) waiting.rows.push(row);
                this.pending[name] = waiting;
            }
            this.schedule();
        },
        schedule() {
            if (this.scheduled || !this.visible) return;
            this.scheduled = true;
            this.enqueue(() => { this.scheduled = false; return this.draw(); });
        },
        async embed() {
            const vega = await loadVega(this.versions);
            if (this.view) this.view.finalize();
            const runtime = vega.parse(JSON.parse(JSON.stringify(this.spec)));
            // Vega's own tooltips: the canvas's title, no tooltip library to load.
            this.view = new vega.View(runtime, { renderer: "canvas", container: this.$refs.plot, hover: true });
            this.vega = vega;
            await this.view.runAsync();
            this.drawn = {};
            for (const name of Object.keys(this.store)) this.pending[name] = { replace: true, rows: [] };
            if (this.clickable) {
                this.view.addEventListener("click", (event, item) => {
                    if (item && item.datum && item.datum.firm_id !== undefined) this.pick(item.datum);
                });
            }
            this.$el.dataset.embeds = String(Number(this.$el.dataset.embeds || 0) + 1);
            await this.draw();
        },
        async draw() {
            if (!this.view) return;
            const started = performance.now();
            const view = this.view, vega = this.vega, pending = this.pending;
            this.pending = {};
            for (const [name, waiting] of Object.entries(pending)) {
                const change = waiting.replace
                    ? vega.changeset().remove(vega.truthy).insert(this.store[name])
                    : vega.changeset().insert(waiting.rows);
                try {
                    view.change(name, change);
                } catch (e) {
                    continue; // this spec does not draw that data set
                }
                this.drawn[name] = this.store[name].length;
                this.$el.setAttribute(`data-rows-${name}`, String(this.drawn[name]));
            }
            await view.runAsync();
            const total = Object.values(this.drawn).reduce((a, b) => a + b, 0);
            this.$el.dataset.rows = String(total);
            // Drawings and the milliseconds they took, for the browser test's report.
            this.$el.dataset.draws = String(Number(this.$el.dataset.draws || 0) + 1);
            if (window.lgFirstDraw) window.lgFirstDraw();
            const spent = Number(this.$el.dataset.drawMs || 0) + performance.now() - started;
            this.$el.dataset.drawMs = spent.toFixed(1);
        },
    },
};

/* LiveText: a block of text whose html Python replaces whole (`jupyter_html`); it
   registers under its key for the page's feed, draws the text it was made with and
   asks for the latest when mounted. */
export const LiveText = {
    render() {
        return h("div", { ref: "box", class: this.css_class, style: this.css_style });
    },
    mounted() {
        (window.lgTargets = window.lgTargets || {})[this.key] = this;
        this.$refs.box.innerHTML = this.first_html;  // drawn now, replaced when newer comes
        this.resync();  // what was sent before this view existed never reached it
    },
    beforeUnmount() {
        if (window.lgTargets) delete window.lgTargets[this.key];
    },
    methods: {
        jupyter_html(html) {
            this.$refs.box.innerHTML = html;
        },
    },
};

/* PageFeed: invisible; hands each item of the page's one message after a quarter
   ([key, method, argument]) to the chart or text registered under that key, and asks
   for Vega as soon as the page mounts. */
export const PageFeed = {
    created() {
        loadVega(this.versions).catch((e) => console.error("lg-vega", e));
    },
    mounted() {
        // The first screen is drawn when its first chart is: then Python is told, and
        // sends the panels below the fold (or after FIRST_SCREEN_MS, whichever first).
        window.lgFirstDraw = () => this.announce();
        this.timer = setTimeout(() => this.announce(), FIRST_SCREEN_MS);
    },
    beforeUnmount() {
        clearTimeout(this.timer);
    },
    render() {
        return h("span", { style: "display: none" });
    },
    methods: {
        announce() {
            if (this.announced) return;
            this.announced = true;
            clearTimeout(this.timer);
            this.first_screen();
        },
        jupyter_feed(items) {
            const targets = window.lgTargets || {};
            for (const [key, method, argument] of items) {
                const target = targets[key];
                if (target) target["jupyter_" + method](argument);
            }
        },
    },
};
