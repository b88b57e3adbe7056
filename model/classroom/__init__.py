"""The Solara classroom page: the economy with live sliders and a twin, the charts
(Vega-Lite) and what they are sent each quarter, the streamed widget, the views."""
