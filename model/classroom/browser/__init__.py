"""The page's own first script (custom.js), served by Solara as an assets folder's."""
