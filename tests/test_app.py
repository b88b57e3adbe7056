"""The classroom page's model side: built from sliders without a browser, stepped, and its
network sample, firm card and click picking checked against the economy's own arrays."""

from __future__ import annotations

import inspect
import io
import tarfile
from pathlib import Path

import numpy as np
import pytest
from command_line import invoke, refusal

from model.calendar import parse_quarter
from model.classroom.assets import KEY_FILES, PACKAGES, _unpack, missing_packages
from model.classroom.firm import firm_facts, firm_history, firm_records
from model.classroom.levers import AS_IN_SCENARIO, NEVER, classroom_params, shift_restrictions
from model.classroom.network import network_data, network_sample
from model.classroom.page import MODEL_PARAMS, ClassroomEconomy, Page
from model.params.loading import load_scenario

SCALE = 0.005


@pytest.fixture(scope="module")
def stepped() -> ClassroomEconomy:
    """A small classroom economy eight quarters in."""
    model = ClassroomEconomy(scale=SCALE, seed=3)
    for _ in range(8):
        model.step()
    return model


def test_app_builds_its_model_without_a_browser() -> None:
    model = ClassroomEconomy(scale=SCALE)
    assert model.params.name == "baseline"
    assert model.params.scale == SCALE
    assert len(model.population) > 0 and len(model.sample_buyers) == 8


def test_every_control_is_a_keyword_of_the_model() -> None:
    # SolaraViz's RESET builds the model class with the controls' values as keywords.
    keywords = set(inspect.signature(ClassroomEconomy.__init__).parameters) - {
        "self",
        "record_history",
    }
    assert set(MODEL_PARAMS) == keywords


def test_each_slider_sets_its_parameter() -> None:
    base = load_scenario("guidance_fund_boost", scale=SCALE)
    model = ClassroomEconomy(
        scenario_name="guidance_fund_boost",
        support_scale=2.5,
        guidance_fund_scale=0.5,
        loan_to_value=0.35,
        zone_share=0.6,
        severity_scale=2.0,
        restriction_start="2021Q1",
        seed=7,
        scale=SCALE,
    )
    p = model.params
    assert p.name == "guidance_fund_boost"
    assert p.fiscal.support_scale == pytest.approx(2.5 * base.fiscal.support_scale)
    budget = base.finance.guidance_fund.annual_budget_myuan * 0.5
    assert p.finance.guidance_fund.annual_budget_myuan == pytest.approx(budget)
    assert p.finance.bank.loan_to_value == pytest.approx(0.35)
    assert p.population.zone_share == pytest.approx(0.6)
    assert p.restrictions.severity_scale == pytest.approx(2.0 * base.restrictions.severity_scale)
    assert min(e.quarter for e in p.restrictions.events) == "2021Q1"
    assert model.seed == 7 and p.scale == SCALE


def test_sliders_at_their_start_leave_the_scenario_as_shipped() -> None:
    for name in ("baseline", "tight_restrictions", "no_fiscal_support"):
        start = {
            key: spec.get("value") if isinstance(spec, dict) else spec.value
            for key, spec in MODEL_PARAMS.items()
        }
        built = classroom_params(
            name, **{k: v for k, v in start.items() if k not in ("scenario_name", "seed")}
        )
        assert built == load_scenario(name, scale=start["scale"])


def test_restriction_start_shifts_every_event_by_the_same_quarters() -> None:
    params = load_scenario("baseline", scale=SCALE)
    original = [parse_quarter(e.quarter) for e in params.restrictions.events]
    moved = shift_restrictions(params, "2020Q1")
    offset = parse_quarter("2020Q1") - min(original)
    end = parse_quarter(params.time.end)
    expected = [q + offset for q in original if q + offset <= end]
    assert [parse_quarter(e["quarter"]) for e in moved] == expected
    assert shift_restrictions(params, NEVER) == ()
    assert len(shift_restrictions(params, AS_IN_SCENARIO)) == len(original)


def test_stepping_records_each_quarter(stepped: ClassroomEconomy) -> None:
    assert len(stepped.history) == len(stepped.quarter_labels) == 8
    assert stepped.datacollector.get_model_vars_dataframe().shape[0] == 8
    events = stepped.params.restrictions.events
    first = min(e.quarter for e in events if e.kind == "restriction")
    assert stepped.news and stepped.news[0][0] == first  # the first restriction


def test_network_sample_is_the_economys_links(stepped: ClassroomEconomy) -> None:
    sample = network_sample(stepped, stepped.sample_buyers, max_per_buyer=10_000)
    pop, links = stepped.population, stepped.links
    rows = sample.row[sample.link_supplier]
    keys = rows * links.n_buyers + stepped.sample_buyers[sample.link_buyer]
    assert np.isin(keys, links.keys).all()
    assert np.isin(links.buyer, stepped.sample_buyers).sum() == len(keys)
    np.testing.assert_array_equal(sample.status, pop.status[sample.row])


def test_network_picture_places_every_link_and_follows_one_firm(stepped: ClassroomEconomy) -> None:
    supplier = int(network_sample(stepped, stepped.sample_buyers).firm_id[3])
    data = network_data(stepped, stepped.sample_buyers, supplier)
    nodes = data["nodes"]
    assert len(data["links"]["x"]) == data["count"] > 0
    assert nodes["kind"].count("large firm") == len(stepped.sample_buyers)
    assert nodes["followed"].count(True) == 1
    assert nodes["firm_id"][nodes["followed"].index(True)] == supplier
    assert len(data["fields"]["text"]) == 4 and "abroad" in data["fields"]["text"][0]


def test_firm_card_history_matches_the_population(stepped: ClassroomEconomy) -> None:
    firm_id = stepped.followed_firm_id
    history = firm_history(stepped, firm_id)
    firm = stepped.population.firm(firm_id)
    last = history.iloc[-1]
    assert last["quarter"] == stepped.quarter_labels[-1]
    assert last["patents"] == firm.patents and last["status"] == firm.status
    assert last["revenue"] == pytest.approx(firm.revenue, rel=1e-6)
    facts = firm_facts(stepped, firm_id, firm_records(stepped, firm_id))
    assert any(str(firm.patents) in line for line in facts)


def test_page_renders_its_panels_without_a_browser() -> None:
    import solara

    from model.classroom.stream import LiveText, PageFeed, VegaStream
    from model.classroom.views import FIRST_SCREEN_PANELS

    _box, rc = solara.render(Page(), handle_error=False)
    texts = [w.html for w in rc.find(LiveText).widgets]
    assert any("Now: 2019Q1 (not started)" in t for t in texts)
    # Each text is drawn from the state its widget was made with, then kept by messages.
    assert [w.first_html for w in rc.find(LiveText).widgets] == texts
    # The first screen first: the two charts at the top; the rest once the browser
    # says it has drawn them.
    assert len(rc.find(VegaStream).widgets) == FIRST_SCREEN_PANELS == 2
    rc.find(PageFeed).widget.vue_first_screen()
    charts = rc.find(VegaStream).widgets
    assert len(charts) == 7  # six charts and the province map
    network = next(w for w in charts if "nodes" in w.datasets)
    assert len(network.datasets["nodes"]["x"]) > 8
    rc.close()


def test_missing_page_files_are_listed_and_unpacked(tmp_path: Path) -> None:
    assert missing_packages(tmp_path) == list(PACKAGES)
    for name, version in PACKAGES:
        tarball = tmp_path / "package.tgz"
        with tarfile.open(tarball, "w:gz") as archive:
            data = b"// test"
            info = tarfile.TarInfo(f"package/{KEY_FILES[name]}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        _unpack(tarball, tmp_path / "cdn" / f"{name}@{version}")
    assert missing_packages(tmp_path / "cdn") == []


def test_following_a_random_firm_leaves_the_simulation_alone(stepped: ClassroomEconomy) -> None:
    state, before = stepped.rng.bit_generator.state, stepped.followed_firm_id
    firm_id = stepped.follow_random_firm()
    assert firm_id != before  # asked for another firm, the card changes
    assert stepped.rng.bit_generator.state == state  # the economy's random stream untouched
    sample = network_sample(stepped, stepped.sample_buyers)
    assert firm_id in set(sample.firm_id) and stepped.population.firm(firm_id).status >= 0
    assert stepped.followed_firm_id == firm_id


def test_app_command_serves_on_localhost_by_default() -> None:
    result = invoke("app", "--help")
    assert result.exit_code == 0, result.output
    assert "--port" in result.output and "127.0.0.1" in result.output
    assert refusal("app", "--port", "70000") == "--port 70000: allowed 0 <= port <= 65535"


def test_the_scenario_picker_offers_the_policy_scenarios_baseline_first() -> None:
    choices = MODEL_PARAMS["scenario_name"]["values"]
    assert choices[0] == "baseline" and "no_restrictions" in choices
    assert "calibrated" not in choices  # fitted parameters, not a question for a class


def test_each_page_brings_its_browser_components(monkeypatch: pytest.MonkeyPatch) -> None:
    """The widgets are drawn by the page's ES module: a page that did not declare it
    would show empty boxes, with no error on the server."""
    import ipyvue
    import solara

    from model.classroom.stream import COMPONENTS, MODULE

    declared = []
    monkeypatch.setattr(ipyvue, "define_module", lambda *a, **k: declared.append(a))
    _box, rc = solara.render(Page(), handle_error=False)
    rc.close()
    assert declared == [(MODULE, COMPONENTS)]
