"""The "Loss landscapes in the papers" page in AppTest: every figure, one shared colour scale per
figure, the sentences quoting the measured rates, presets that ask before they show."""
import pytest

from experiments import landscape_papers as exp
from lab import catalog
from tests.helpers import chart_spec as spec, open_lesson

QUICK = {"epochs": "20", "resolution": "15", "map_points": "3", "seeds": "2", "sharp_epochs": "20",
         "depth": "6"}


def run(params=QUICK):
    at = open_lesson("landscape_papers", timeout=300)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def text(at):
    return " ".join(m.value for m in at.markdown)


@pytest.fixture(scope="module")
def quick():
    return run()


def test_the_lesson_is_in_the_catalog():
    assert "landscape_papers" in [lesson.slug for lesson in catalog.available()]


def test_the_line_above_the_figure_says_what_to_look_at(quick):
    first = quick.markdown[0].value   # lesson(): the first sentence, above the main figure
    assert first.startswith("Compare") and "black star" in first and "dark blue" in first
    assert "Four networks" in text(quick) and "Four networks" not in first   # under the figure


def test_the_slices_share_one_colour_scale_and_colour_bar(quick):
    assert not quick.exception and len(quick.get("plotly_chart")) == 5
    slices = spec(quick, 0)
    contours = [t for t in slices["data"] if t["type"] == "contour"]
    assert len(contours) == len(exp.NETS) and {t["coloraxis"] for t in contours} == {"coloraxis"}
    assert not any(k.startswith("coloraxis") and k != "coloraxis" for k in slices["layout"])
    assert slices["layout"]["coloraxis"]["colorbar"]["title"]["text"] == "loss (log scale)"
    titles = [a["text"] for a in slices["layout"]["annotations"]]
    assert titles == ["shallow", "deep", "deep +<br>skips", "deep<br>wide"]   # short, for a phone
    panels = [exp.panel(net, **{k: int(QUICK[k]) for k in ("epochs", "resolution", "depth")})
              for net in exp.NETS]
    assert f"**In words:** {exp.describe_slices(panels)}" in [c.value for c in quick.caption]


def test_the_3d_view_is_large_and_shares_its_scale(quick):
    surfaces = spec(quick, 1)
    kinds = [t["type"] for t in surfaces["data"]]
    assert kinds.count("surface") == 2 and kinds.count("scatter3d") == 2
    assert {t["coloraxis"] for t in surfaces["data"] if t["type"] == "surface"} == {"coloraxis"}
    assert surfaces["layout"]["height"] >= 600 and "scene2" in surfaces["layout"]


def test_convexity_maps_sit_beside_their_slices(quick):
    fig = spec(quick, 2)
    kinds = [(t["type"], t.get("coloraxis")) for t in fig["data"]]
    assert kinds == [("contour", "coloraxis"), ("heatmap", "coloraxis2")] * 2
    assert fig["layout"]["coloraxis2"]["colorbar"]["title"]["text"] == "|λ_min/λ_max|"


def test_sharp_and_flat_lines_share_one_axis_in_the_colours_the_text_names(quick):
    lines = spec(quick, 3)
    assert [(t["name"], t["line"]["color"]) for t in lines["data"]] == [
        ("small batch", "#0072B2"), ("large batch", "#E69F00")]
    assert "**small batches (blue)** and **large batches (orange)**" in text(quick)


def test_the_page_quotes_every_measured_rate(quick):
    page = text(quick)
    for claim in exp.CLAIMS:
        assert exp.sentence(claim) in page, claim
    assert exp.sharp_flat_verdict() in page


@pytest.mark.slow
def test_question_presets_ask_first_then_reveal_the_run():
    at = run()
    for name, preset in exp_presets().items():
        if "question" not in preset:
            continue
        at.button(key=f"landscape_papers.preset.{name}").click().run()
        assert not at.get("plotly_chart") and at.info, name
        at.button(key="landscape_papers.reveal").click().run()
        assert not at.exception and len(at.get("plotly_chart")) == 5, name


def exp_presets():
    from pages import landscape_papers
    return landscape_papers.PRESETS


def test_preset_names_and_questions_do_not_give_the_answer_away():
    """A question preset's name only names the topic, and its question asks, never tells."""
    findings = ("chaotic", "smooth", "calm", "sharp", "flat", "better", "worse", "win", "dips")
    for name, preset in exp_presets().items():
        if "question" in preset:
            assert not any(word in name.lower() for word in findings), name
            assert preset["question"].endswith("?"), name
            assert not any(exp.CLAIMS[c] in preset["question"] for c in exp.CLAIMS), name


def test_bad_link_values_are_explained_and_the_page_still_runs():
    at = run(QUICK | {"span": "-3", "dataset": "mars"})   # both fall back to their defaults
    assert not at.exception and len(at.get("plotly_chart")) == 5 and at.warning


@pytest.mark.slow
def test_widgets_switch_the_directions_and_the_3d_pair():
    at = run(QUICK)
    at.radio(key="landscape_papers.directions").set_value("PCA").run()
    assert not at.exception and "PCA directions" in spec(at, 0)["layout"]["title"]["text"]
    at.radio(key="landscape_papers.pair").set_value("shallow vs deep").run()
    titles = [a["text"] for a in spec(at, 1)["layout"]["annotations"]]
    assert titles == [f"{net}<br><sup>{exp.describe(net, 6)}</sup>" for net in ("shallow", "deep")]
