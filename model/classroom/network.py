"""The classroom's network picture as data: a fixed sample of large buyers and their SME
suppliers, placed so that only new or lost links change between quarters.

`network_data` gives the nodes and links the browser draws; its `signature` changes
only when a link or a supplier's title changes, so the page sends a new picture only
then. Chosen and placed without random draws: drawing never changes the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from model.classroom.firm import STATUS_LABELS
from model.simulation.population import DEAD

if TYPE_CHECKING:
    from model.simulation.economy import Economy

CLUSTER_SPACING = 2.3  # distance between the centres of two fields' clusters
MAX_PER_BUYER = 60  # suppliers drawn per buyer (lowest firm ids), so the picture stays legible


def network_buyers(model: Economy, fields: int = 4, per_field: int = 2) -> np.ndarray:
    """A fixed sample of large buyers: `per_field` of middling size in each of the
    `fields - 1` most foreign-supplied fields and in the least foreign-supplied one."""
    buyers = model.buyers
    foreign = np.array([s.foreign_supply_share for s in model.params.population.sectors])
    order = np.argsort(-foreign, kind="stable")
    sample = []
    for field in [*order[: fields - 1], order[-1]]:
        members = np.flatnonzero(buyers.sector == field)
        distance = np.abs(np.log(buyers.demand[members] / np.median(buyers.demand[members])))
        sample.extend(members[np.argsort(distance, kind="stable")[:per_field]].tolist())
    return np.array(sample, dtype=np.int64)


@dataclass(frozen=True)
class NetworkSample:
    """The sampled buyers' current suppliers, one entry per link and per supplier.

    Links: `link_buyer` (position in `buyers`), `link_supplier` (position in the
    supplier arrays). Suppliers: `firm_id` (sorted), `row` (in the population),
    `status`, and `centre_x`, `centre_y`: the mean place of the buyers each supplies.
    """

    buyers: np.ndarray
    link_buyer: np.ndarray
    link_supplier: np.ndarray
    firm_id: np.ndarray
    row: np.ndarray
    status: np.ndarray


def network_sample(
    model: Economy, buyers: np.ndarray, max_per_buyer: int = MAX_PER_BUYER
) -> NetworkSample:
    """Current supply links of the sampled `buyers` (at most `max_per_buyer` each,
    lowest firm ids first so that the same firms stay in the picture)."""
    pop, links = model.population, model.links
    in_sample = np.isin(links.buyer, buyers)
    sme, buyer = links.sme[in_sample], links.buyer[in_sample]
    link_rows, link_buyer = [], []
    for position, b in enumerate(buyers):
        rows = sme[buyer == b]
        rows = rows[np.argsort(pop.firm_id[rows], kind="stable")[:max_per_buyer]]
        link_rows.append(rows)
        link_buyer.append(np.full(len(rows), position))
    rows = np.concatenate(link_rows) if link_rows else np.zeros(0, dtype=np.int64)
    firm_id, first, link_supplier = np.unique(
        pop.firm_id[rows], return_index=True, return_inverse=True
    )
    supplier_rows = rows[first]
    return NetworkSample(
        buyers,
        np.concatenate(link_buyer),
        link_supplier,
        firm_id,
        supplier_rows,
        pop.status[supplier_rows].astype(int),
    )


def buyer_places(model: Economy, buyers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, cluster centre x) of each sampled buyer: one cluster per field in two
    columns, a field's buyers side by side in its middle."""
    fields = list(dict.fromkeys(int(model.buyers.sector[b]) for b in buyers))
    x, y, cx = (np.zeros(len(buyers)) for _ in range(3))
    for i, b in enumerate(buyers):
        field = int(model.buyers.sector[b])
        position = fields.index(field)
        cx[i] = (position % 2 - 0.5) * CLUSTER_SPACING
        y[i] = -(position // 2 - (len(fields) - 1) // 2 / 2) * CLUSTER_SPACING
        peers = [p for p in buyers if model.buyers.sector[p] == field]
        x[i] = cx[i] + (peers.index(b) - (len(peers) - 1) / 2) * 0.5
    return x, y, cx


def supplier_places(
    sample: NetworkSample, bx: np.ndarray, by: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of each supplier: around the mean place of its buyers (x) and its first
    buyer's row (y), at an angle and radius set by its firm id.

    A supplier's place depends only on its firm id and its buyers, so it stays put from
    quarter to quarter and only new or lost links change the picture.
    """
    count = np.bincount(sample.link_supplier, minlength=len(sample.firm_id))
    centre_x = np.bincount(sample.link_supplier, bx[sample.link_buyer], len(sample.firm_id))
    centre_x /= np.maximum(count, 1)
    first_link = np.full(len(sample.firm_id), len(sample.link_supplier))
    np.minimum.at(first_link, sample.link_supplier, np.arange(len(sample.link_supplier)))
    centre_y = (
        by[sample.link_buyer[np.minimum(first_link, len(sample.link_buyer) - 1)]]
        if len(first_link)
        else first_link * 0.0
    )
    ids = sample.firm_id.astype(np.uint64)
    # Multiplicative hashing of the id: a stable spread, not a random draw.
    angle = ((ids * np.uint64(2654435761)) % np.uint64(2**32)).astype(float) / 2**32 * 2 * np.pi
    radius = 0.42 + 0.45 * ((ids * np.uint64(40503)) % np.uint64(997)).astype(float) / 997
    return centre_x + radius * np.cos(angle), centre_y + radius * np.sin(angle)


def network_signature(
    model: Economy, buyers: np.ndarray, followed: int, sample: NetworkSample | None = None
) -> int:
    """A number that changes when a sampled link, a supplier's title or the followed
    firm does: equal signatures draw the same picture."""
    sample = sample or network_sample(model, buyers)
    parts = (sample.link_buyer, sample.firm_id[sample.link_supplier], sample.status, [followed])
    return hash(b"".join(np.asarray(part, dtype=np.int64).tobytes() for part in parts))


def network_data(
    model: Economy, buyers: np.ndarray, followed: int, sample: NetworkSample | None = None
) -> dict:
    """What the browser draws: `nodes` (buyers and suppliers: x, y, kind, firm_id,
    status, label, followed), `links` (x, y, x2, y2), `fields` (x, y, text: the title
    above each cluster) and `count` (links drawn)."""
    sample = sample or network_sample(model, buyers)
    bx, by, cx = buyer_places(model, buyers)
    sx, sy = supplier_places(sample, bx, by)
    links = {
        "x": bx[sample.link_buyer], "y": by[sample.link_buyer],
        "x2": sx[sample.link_supplier], "y2": sy[sample.link_supplier],
    }  # fmt: skip
    names = [STATUS_LABELS[int(s)] for s in sample.status]
    nodes = {
        "x": [*sx, *bx], "y": [*sy, *by],
        "kind": ["supplier"] * len(sx) + ["large firm"] * len(bx),
        "firm_id": [*sample.firm_id.tolist(), *(-1 - np.arange(len(bx))).tolist()],
        "status": [*sample.status.tolist(), *[-1] * len(bx)],
        "label": names + ["large firm"] * len(bx),
        "followed": [*(sample.firm_id == followed).tolist(), *[False] * len(bx)],
    }  # fmt: skip
    return {
        "nodes": _rounded(nodes),
        "links": _rounded(links),
        "fields": field_titles(model, buyers, cx, by),
        "count": len(sample.link_buyer),
    }


def _rounded(columns: dict) -> dict[str, list]:
    """Columns as plain lists, places rounded to a thousandth (the picture's precision)."""
    return {
        name: np.round(np.asarray(values, dtype=float), 3).tolist()
        if name in ("x", "y", "x2", "y2")
        else list(values)
        for name, values in columns.items()
    }


def field_titles(model: Economy, buyers: np.ndarray, cx: np.ndarray, by: np.ndarray) -> dict:
    """Each cluster's field name and the share its buyers buy abroad, above the cluster."""
    sectors = model.params.population.sectors
    rows: dict[str, list] = {"x": [], "y": [], "text": []}
    fields = model.buyers.sector[buyers]
    foreign = model.buyers.foreign_share[buyers]
    for field in dict.fromkeys(int(f) for f in fields):
        mine = fields == field
        rows["x"].append(round(float(cx[mine][0]), 3))
        rows["y"].append(round(float(by[mine][0]) + 0.95, 3))
        rows["text"].append(
            f"{sectors[field].name.replace('_', ' ')}: {foreign[mine].mean():.0%} abroad"
        )
    return rows


def default_firm(model: Economy, buyers: np.ndarray) -> int:
    """The firm the card follows at the start: the most capable supplier of `buyers`."""
    pop = model.population
    rows = np.concatenate([model.links.suppliers_of(int(b)) for b in buyers])
    if len(rows) == 0:
        rows = np.flatnonzero(pop.alive)
    return int(pop.firm_id[rows[np.argmax(pop.capability[rows])]])


def random_firm(model: Economy, buyers: np.ndarray, draw: int, other_than: int = -1) -> int:
    """A random operating supplier of the sample (any operating firm if none), other than
    the firm `other_than` where there is another: asked for a new firm, a reader expects
    the card to change.

    Uses its own generator seeded by (seed, draw), not `model.rng`: picking a firm to
    look at must not change what the economy does next.
    """
    rng = np.random.default_rng([int(model.seed or 0), draw])
    sample = network_sample(model, buyers)
    ids = sample.firm_id[sample.status != DEAD]
    if len(ids) == 0:
        ids = model.population.firm_id[model.population.alive]
    others = ids[ids != other_than]
    return int(rng.choice(others if len(others) else ids))
