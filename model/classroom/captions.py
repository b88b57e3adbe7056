"""What the page says to students: a caption under each picture (what it shows, what to
look for) and how to use the controls."""

from __future__ import annotations

CAPTIONS = {
    "little_giants": (
        "What it shows: how many firms hold the national “little giant” title in the model "
        "(one line per run) and the numbers the government reported (black dots); dashed "
        "lines mark slider moves. With a twin, the panel below is this run minus the twin. "
        "What to look for: does the line pass near the dots? Which slider moves it most?"
    ),
    "supply": (
        "What it shows: the share of large firms’ specialised parts bought from Chinese "
        "suppliers (one line per run) and how much of their foreign inputs is under US "
        "export control (dashed; pink rules mark new restrictions). What to look for: does "
        "the share rise after restrictions?"
    ),
    "network": (
        "What it shows: 8 large firms (squares) and the small firms supplying them (dots), "
        "coloured by title; lines are supply contracts. It changes only when a link or a "
        "title does. What to look for: when restrictions hit, exposed fields sign up new "
        "domestic suppliers. Click a dot to follow that firm."
    ),
    "innovation": (
        "What it shows: invention patents owned and yearly R&D spending of the average "
        "little giant; black dots are the 2024 survey figures. What to look for: do awards "
        "or guidance funds raise them? Do restrictions slow them down?"
    ),
    "finance": (
        "What it shows: money reaching small tech firms each year, by source: banks, loans "
        "against patents, venture capital, state guidance funds, fiscal awards, listings. "
        "What to look for: which source is largest, and which changes with a slider?"
    ),
    "map": (
        "What it shows: national little giants in each province, one tile a province, "
        "placed roughly where it lies. What to look for: are they spread out or "
        "concentrated in the east?"
    ),
    "firm": (
        "What it shows: the life of one small firm — revenue (blue), invention patents "
        "(red) and its title (ticks along the top). What to look for: what came before the "
        "title? Did it win large customers?"
    ),
}
NO_PROVINCES = (
    "Provinces are not in this model version: the map appears once the model reports "
    "national little giants by province."
)
HOW_TO = (
    "Move a policy slider at any time: it acts from the next quarter on and the news says "
    "so. Scenario, seed and scale start a new run: press RESET. STEP moves one quarter "
    "ahead; ▶ plays quarter after quarter. FORK A TWIN starts a second run with the same "
    "luck and today's sliders: move a slider afterwards and watch the difference."
)
