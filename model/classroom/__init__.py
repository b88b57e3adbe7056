"""The Solara classroom page: session state, figures, views."""
